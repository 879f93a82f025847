import { createRequire } from 'node:module';

/** One saved query of serverless/history-queries.yml. */
export interface HistoryQuery {
  id: string;
  name: string;
  question: string;
  query: string;
}

interface CfnFragment {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

// serverless/history-resources.cjs is a Serverless variable source (CommonJS, no build step):
// the tests and the docs read the queries and build the resources through it, as serverless does.
const history = createRequire(import.meta.url)('../../serverless/history-resources.cjs') as {
  loadHistoryQueries(text?: string): HistoryQuery[];
  historyResources(options: {
    service: string;
    stage: string;
    dashboard: boolean;
    periodSeconds: number;
  }): CfnFragment;
  queryLogicalId(query: HistoryQuery): string;
  DASHBOARD_ALARMS: string[];
  QUERIES_FILE: string;
};

export const {
  loadHistoryQueries,
  historyResources,
  queryLogicalId,
  DASHBOARD_ALARMS,
  QUERIES_FILE,
} = history;

/** An Fn::Sub string with its ${Name} and ${Name.Attr} replaced; an unknown name is an error. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([^}!]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for \${${name}} in ${text.slice(0, 80)}`);
    return value;
  });
}

/** The Fn::Sub text of a template's or fragment's dashboard body. */
export function dashboardBodyText(resources: Record<string, { Properties?: unknown }>): string {
  const properties = resources.MonitorDashboard?.Properties as
    | { DashboardBody?: { 'Fn::Sub'?: unknown } }
    | undefined;
  const text = properties?.DashboardBody?.['Fn::Sub'];
  if (typeof text !== 'string') throw new Error('no MonitorDashboard with an Fn::Sub body');
  return text;
}

export interface DashboardWidget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

const SOURCE = /^SOURCE '([^']+)' \| /;

/** A log widget's query: the log group its SOURCE names, and the Logs Insights text after it. */
export function widgetQuery(widget: DashboardWidget): { logGroup: string; query: string } {
  const text = String(widget.properties.query);
  const match = SOURCE.exec(text);
  if (match === null) throw new Error(`a log widget without SOURCE: ${text.slice(0, 80)}`);
  return { logGroup: match[1] as string, query: text.slice(match[0].length) };
}
