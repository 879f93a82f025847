import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_MESSAGE } from '../../src/monitor/history-log.ts';
import { runCli } from '../support/cli-harness.ts';
import { TEST_CREDENTIALS } from '../support/dynalite.ts';
import { captureHistoryLines, type HistoryCapture } from '../support/history-capture.ts';
import { fillHistoryDoc, HISTORY_DOC } from '../support/history-docs.ts';
import {
  DASHBOARD_ALARMS,
  type DashboardWidget,
  dashboardBodyText,
  historyResources,
  loadHistoryQueries,
  substitute,
  widgetQuery,
} from '../support/history-resources.ts';
import {
  carries,
  type LogEvent,
  logEvent,
  namedFields,
  parseQuery,
  type Row,
  runQuery,
} from '../support/logs-insights.ts';

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const QUERIES = loadHistoryQueries();
const byId = (id: string) => {
  const query = QUERIES.find((q) => q.id === id);
  if (query === undefined) throw new Error(`no saved query ${id}`);
  return query.query;
};

/** The dashboard's widgets as the stack builds them, its substitutions filled in. */
function dashboardWidgets(): DashboardWidget[] {
  const { Resources } = historyResources({
    service: 'bedrock-access-monitor',
    stage: 'dev',
    dashboard: true,
    periodSeconds: 300,
  });
  const body = dashboardBodyText(Resources);
  const values: Record<string, string> = {
    MonitorLogGroup: '/aws/lambda/bedrock-access-monitor-dev-monitor',
    MonitorLambdaFunction: 'bedrock-access-monitor-dev-monitor',
    'AWS::Region': 'us-east-1',
  };
  for (const alarm of DASHBOARD_ALARMS)
    values[`${alarm}.Arn`] = `arn:aws:cloudwatch:alarm:${alarm}`;
  return (JSON.parse(substitute(body, values)) as { widgets: DashboardWidget[] }).widgets;
}

// Every text that reads the log: the saved queries, and the dashboard's Logs Insights widgets.
const READERS: Array<[string, string]> = [
  ...QUERIES.map((q): [string, string] => [`saved query "${q.name}"`, q.query]),
  ...dashboardWidgets()
    .filter((widget) => widget.type === 'log')
    .map((widget): [string, string] => [
      `dashboard widget "${String(widget.properties.title)}"`,
      widgetQuery(widget).query,
    ]),
];

/** The fields a query names that no line it selects carries, and how many lines it selects. */
function missingFields(query: string, events: LogEvent[]) {
  const commands = parseQuery(query);
  const { selected } = runQuery(commands, events);
  const missing = namedFields(commands).filter(
    ({ field }) => !selected.some((event) => carries(event, field)),
  );
  return { selected: selected.length, missing };
}

const KNOWN_MESSAGES: string[] = [...Object.values(HISTORY_MESSAGE), 'Run summary'];

let capture: HistoryCapture;
let events: LogEvent[];
const run = (id: string): Row[] => runQuery(parseQuery(byId(id)), events).rows;

beforeAll(async () => {
  capture = await captureHistoryLines();
  events = capture.lines.map(logEvent);
}, 90_000);

afterAll(async () => {
  await capture?.bed.close();
});

describe('the grant history lines the monitor handler writes', () => {
  it('are one per first sighting, per transition and per failed check; none per unchanged pair', () => {
    const runs = capture.summaries.map((summary, index) => {
      const at = Date.parse('2026-11-24T12:00:00.000Z') + index * 5 * 60_000;
      const lines = events.filter((event) => event['@timestamp'] === at);
      const count = (message: string) => lines.filter((l) => l.message === message).length;
      return {
        firstSeen: count(HISTORY_MESSAGE.baseline),
        changed: count(HISTORY_MESSAGE.transition),
        failed: count(HISTORY_MESSAGE.checkFailed),
        summaries: count('Run summary'),
        others: lines.filter((l) => !KNOWN_MESSAGES.includes(String(l.message))).length,
        expected: {
          firstSeen: index === 0 ? summary.checks : 0,
          changed: summary.transitions.length,
          failed: summary.failures.length,
        },
      };
    });

    for (const counts of runs) {
      expect(counts).toMatchObject({ ...counts.expected, summaries: 1, others: 0 });
    }
    // The run at tick 3 saw one NOT_ENABLED answer for an ENABLED grant (a revocation awaiting
    // confirmation) and two failed checks: no grant line at all.
    expect(runs.map((r) => [r.firstSeen, r.changed, r.failed])).toEqual([
      [6, 0, 0],
      [0, 1, 0],
      [0, 1, 2],
      [0, 0, 2],
      [0, 2, 2],
    ]);
    expect(events).toHaveLength(6 + 4 + 6 + 5);
  });

  it('carry nothing secret: no credential of the function appears in any line', () => {
    for (const line of capture.lines) {
      expect(line).not.toContain(TEST_CREDENTIALS.secretAccessKey);
      expect(line).not.toContain(TEST_CREDENTIALS.accessKeyId);
    }
  });
});

describe('the saved queries and the dashboard widgets, on those lines', () => {
  it('are the five saved queries and the three Logs Insights widgets', () => {
    expect(READERS.map(([name]) => name)).toEqual([
      'saved query "Current state per account, model and region"',
      'saved query "Grant history"',
      'saved query "Requests and how long they took"',
      'saved query "Revocations and failed grants"',
      'saved query "Checks that keep failing, by cause"',
      'dashboard widget "Current state per account, model and region"',
      'dashboard widget "Checks that keep failing, by cause"',
      'dashboard widget "Grant history"',
    ]);
  });

  it.each(READERS)('%s names only fields that the lines it selects carry', (_name, query) => {
    const { selected, missing } = missingFields(query, events);

    expect(selected).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('would fail a query that names a field no line carries, or selects no line', () => {
    const misspelled = byId('failingchecks').replace('latest(errorMessage)', 'latest(errorText)');
    const wrongMessage = byId('requests').replace('"Grant state changed"', '"Grant changed"');

    expect(missingFields(misspelled, events).missing).toEqual([
      { field: 'errorText', where: 'stats' },
    ]);
    expect(missingFields(wrongMessage, events).selected).toBe(0);
  });

  it('current state: every pair with the state the table holds, failing checks included', () => {
    const rows = run('currentstate');
    const stored = capture.summaries.at(-1)?.pairs ?? [];

    expect(rows).toHaveLength(6);
    expect(rows.map((row) => [row.modelId, row.region, row.state, row.account]).sort()).toEqual(
      stored.map((pair) => [pair.modelId, pair.region, pair.storedState, '123456789012']).sort(),
    );
    // Its check failed in the last run (UNKNOWN), but the last line about it says ENABLED.
    expect(
      rows.find((row) => row.region === 'eu-central-1' && row.modelId === CLAUDE),
    ).toMatchObject({
      state: 'ENABLED',
      lastChange: 'baseline',
      since: '2026-11-24T12:00:00.000Z',
    });
  });

  it('grant history: the first sightings and the four transitions, newest first', () => {
    const rows = run('granthistory');

    expect(rows).toHaveLength(10);
    expect(
      rows
        .slice(0, 4)
        .map((row) => row.kind)
        .sort(),
    ).toEqual(['failed', 'revoked', 'ready', 'requested'].sort());
    expect(rows.slice(4).map((row) => row.kind)).toEqual(Array(6).fill('baseline'));
  });

  it('requests: Claude in us-west-2 went from IN_PROGRESS to ENABLED in 5 minutes', () => {
    expect(run('requests')).toEqual([
      {
        account: '123456789012',
        modelId: CLAUDE,
        region: 'us-west-2',
        requests: 1,
        averageMinutes: 5,
        longestMinutes: 5,
        lastEnabledAt: '2026-11-24T12:10:00.000Z',
      },
    ]);
  });

  it('revocations and failed grants: the revoked one, and the failed one with what Bedrock said', () => {
    const rows = run('revocations');

    expect(
      rows.map((row) => [row.kind, row.modelId, row.region, row['raw.agreementError']]).sort(),
    ).toEqual([
      ['failed', CLAUDE, 'us-east-1', 'The payment method on file was declined.'],
      ['revoked', TITAN, 'us-west-2', null],
    ]);
  });

  it('checks that keep failing: two causes in two regions, three runs each', () => {
    const rows = run('failingchecks');

    expect(rows.map((row) => [row.failureKind, row.errorName, row.region, row.failures])).toEqual(
      expect.arrayContaining([
        ['denied', 'AccessDeniedException', 'eu-central-1', 3],
        ['malformed', null, 'us-east-1', 3],
      ]),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      firstFailedAt: '2026-11-24T12:10:00.000Z',
      lastFailedAt: '2026-11-24T12:20:00.000Z',
    });
  });
});

describe('history --json on the table those runs wrote', () => {
  it('prints each transition with the fields, and the names, of its "Grant state changed" line', async () => {
    const result = await runCli([
      'history',
      '--table',
      capture.bed.dynamo.tableName,
      '--account',
      '123456789012',
      '--json',
    ]);
    const transitions = (JSON.parse(result.stdout) as { transitions: Record<string, unknown>[] })
      .transitions;
    const lines = capture.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === HISTORY_MESSAGE.transition)
      .map(
        ({ level: _l, message: _m, timestamp: _t, service: _s, sampling_rate: _r, ...fields }) =>
          fields,
      );
    // The logger leaves out a top-level null; the CLI's JSON keeps it.
    const withoutNulls = (item: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(item).filter(([, value]) => value !== null));
    const byEventId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
      String(a.eventId).localeCompare(String(b.eventId));

    expect(result.code).toBe(0);
    expect(transitions).toHaveLength(4);
    expect(transitions.map(withoutNulls).sort(byEventId)).toEqual([...lines].sort(byEventId));
  });
});

describe('docs/history-and-dashboard.md', () => {
  it('shows each query, its question and the lines it reads as the handler writes them (npm run docs:history)', async () => {
    const doc = await readFile(HISTORY_DOC, 'utf8');

    for (const query of QUERIES) expect(doc).toContain(`<!-- example:${query.id} -->`);
    await expect(fillHistoryDoc(doc, QUERIES, capture.lines)).toMatchFileSnapshot(
      fileURLToPath(HISTORY_DOC),
    );
  });
});
