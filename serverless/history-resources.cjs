'use strict';

// The grant history's saved Logs Insights queries and the monitor's CloudWatch dashboard, both
// from serverless/history-queries.yml, so a query and the dashboard widget that shows it are
// one text. A JS variable source: serverless.yml lists its result under `resources`. With the
// `dashboard` parameter false the stack has no dashboard, and pays nothing for one.

const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');

const QUERIES_FILE = join(__dirname, 'history-queries.yml');

// Logical ids in serverless.yml: serverless names the function's log group and the function.
const LOG_GROUP = 'MonitorLogGroup';
const FUNCTION = 'MonitorLambdaFunction';
// An Fn::Sub substitution: the stack's region.
const REGION = `\${AWS::Region}`;

/** Every alarm of the stack, for the dashboard's alarm widget (a test compares the template). */
const DASHBOARD_ALARMS = ['FunctionErrorsAlarm', 'NoSuccessfulRunAlarm', 'CheckFailuresAlarm'];

// The dashboard, row by row (24 grid units wide): a widget shows a query (by id), the alarms'
// states, or the function's runs and their duration.
const DASHBOARD_ROWS = [
  [
    { query: 'currentstate', width: 14, height: 8 },
    { query: 'failingchecks', width: 10, height: 8 },
  ],
  [{ query: 'granthistory', width: 24, height: 8 }],
  [
    { widget: 'alarms', title: 'Alarms', width: 8, height: 6 },
    { widget: 'runs', title: 'Runs and their duration', width: 16, height: 6 },
  ],
];

class HistoryQueriesError extends Error {
  constructor(problems) {
    super(`${QUERIES_FILE} is not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'HistoryQueriesError';
    // Shown as is by the framework: the message is the whole story.
    this.stack = this.message;
  }
}

/** The queries of history-queries.yml, checked: [{ id, name, question, query }]. */
function loadHistoryQueries(text = readFileSync(QUERIES_FILE, 'utf8')) {
  const problems = [];
  let queries;
  try {
    queries = parse(text)?.queries;
  } catch (error) {
    throw new HistoryQueriesError([error.message]);
  }
  if (!Array.isArray(queries) || queries.length === 0) {
    throw new HistoryQueriesError(['`queries` must be a list with at least one query']);
  }
  const ids = new Set();
  queries.forEach((query, index) => {
    const where = `queries[${index}]`;
    for (const key of ['id', 'name', 'question', 'query']) {
      if (typeof query?.[key] !== 'string' || query[key].trim() === '') {
        problems.push(`${where}.${key} must be a non-empty string`);
      }
    }
    if (typeof query?.id === 'string') {
      if (!/^[a-z]+$/.test(query.id)) problems.push(`${where}.id must be lower-case letters`);
      if (ids.has(query.id)) problems.push(`${where}.id "${query.id}" is used twice`);
      ids.add(query.id);
    }
    // The dashboard body is an Fn::Sub string: "${" would be read as a substitution.
    if (typeof query?.query === 'string' && query.query.includes('${')) {
      problems.push(`${where}.query must not contain "\${"`);
    }
    const unknown = Object.keys(query ?? {}).filter(
      (key) => !['id', 'name', 'question', 'query'].includes(key),
    );
    if (unknown.length > 0) problems.push(`${where} has unknown keys: ${unknown.join(', ')}`);
  });
  if (problems.length > 0) throw new HistoryQueriesError(problems);
  return queries.map(({ id, name, question, query }) => ({ id, name, question, query }));
}

/** The logical id of a query's QueryDefinition: its name in PascalCase, then `Query`. */
function queryLogicalId(query) {
  const words = query.name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return `${words.map((word) => word[0].toUpperCase() + word.slice(1)).join('')}Query`;
}

/**
 * The dashboard's widgets, laid out row by row. The body names the log group, the region, the
 * function and the alarms as ${...} substitutions of Fn::Sub.
 */
function dashboardWidgets(queries, periodSeconds) {
  const byId = new Map(queries.map((query) => [query.id, query]));
  const widgets = [];
  let y = 0;
  for (const row of DASHBOARD_ROWS) {
    let x = 0;
    for (const cell of row) {
      const place = { x, y, width: cell.width, height: cell.height };
      if (cell.query !== undefined) {
        const query = byId.get(cell.query);
        if (query === undefined)
          throw new Error(`the dashboard shows an unknown query ${cell.query}`);
        widgets.push({
          type: 'log',
          ...place,
          properties: {
            title: query.name,
            region: REGION,
            view: 'table',
            query: `SOURCE '\${${LOG_GROUP}}' | ${query.query}`,
          },
        });
      } else if (cell.widget === 'alarms') {
        widgets.push({
          type: 'alarm',
          ...place,
          properties: {
            title: cell.title,
            alarms: DASHBOARD_ALARMS.map((alarm) => `\${${alarm}.Arn}`),
            sortBy: 'stateUpdatedTimestamp',
          },
        });
      } else {
        const fn = `\${${FUNCTION}}`;
        widgets.push({
          type: 'metric',
          ...place,
          properties: {
            title: cell.title,
            region: REGION,
            view: 'timeSeries',
            stacked: false,
            period: periodSeconds,
            metrics: [
              ['AWS/Lambda', 'Invocations', 'FunctionName', fn, { stat: 'Sum', label: 'Runs' }],
              ['AWS/Lambda', 'Errors', 'FunctionName', fn, { stat: 'Sum', label: 'Failed runs' }],
              [
                'AWS/Lambda',
                'Duration',
                'FunctionName',
                fn,
                { stat: 'Average', label: 'Average duration (ms)', yAxis: 'right' },
              ],
              [
                'AWS/Lambda',
                'Duration',
                'FunctionName',
                fn,
                { stat: 'Maximum', label: 'Longest duration (ms)', yAxis: 'right' },
              ],
            ],
          },
        });
      }
      x += cell.width;
    }
    y += Math.max(...row.map((cell) => cell.height));
  }
  return widgets;
}

/**
 * The `resources` fragment: a QueryDefinition per query, in the folder <service>/<stage>/ of the
 * Logs Insights console, and the dashboard unless `dashboard` is false.
 */
function historyResources({
  service,
  stage,
  dashboard,
  periodSeconds,
  queries = loadHistoryQueries(),
}) {
  const Resources = {};
  for (const query of queries) {
    Resources[queryLogicalId(query)] = {
      Type: 'AWS::Logs::QueryDefinition',
      Properties: {
        Name: `${service}/${stage}/${query.name}`,
        LogGroupNames: [{ Ref: LOG_GROUP }],
        QueryString: query.query,
      },
    };
  }
  if (dashboard) {
    Resources.MonitorDashboard = {
      Type: 'AWS::CloudWatch::Dashboard',
      Properties: {
        // Dashboard names are global to the account: the region keeps two regions' stacks apart.
        DashboardName: { 'Fn::Sub': `${service}-${stage}-\${AWS::Region}` },
        DashboardBody: {
          'Fn::Sub': JSON.stringify({ widgets: dashboardWidgets(queries, periodSeconds) }),
        },
      },
    };
  }
  return { Resources };
}

/** The variable source: `${file(./serverless/history-resources.cjs):resources}`. */
async function resolveHistoryResources({ resolveConfigurationProperty }) {
  const service = await resolveConfigurationProperty(['service']);
  const stage = await resolveConfigurationProperty(['provider', 'stage']);
  const settings = await resolveConfigurationProperty(['custom', 'settings']);
  return {
    resources: historyResources({
      service,
      stage,
      dashboard: settings.dashboard,
      periodSeconds: settings.schedulePeriodSeconds,
    }),
  };
}

module.exports = resolveHistoryResources;
module.exports.loadHistoryQueries = loadHistoryQueries;
module.exports.historyResources = historyResources;
module.exports.queryLogicalId = queryLogicalId;
module.exports.DASHBOARD_ALARMS = DASHBOARD_ALARMS;
module.exports.QUERIES_FILE = QUERIES_FILE;
