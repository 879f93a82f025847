import { fillReadmeExamples } from '../../src/notify/readme-examples.ts';
import type { HistoryQuery } from './history-resources.ts';
import { type LogEvent, logEvent, parseQuery, runQuery } from './logs-insights.ts';

/**
 * The grant history's documentation: its query sections are rendered from the code, and the
 * acceptance test compares them (`npm run docs:history` rewrites them).
 */
export const HISTORY_DOC = new URL('../../docs/history-and-dashboard.md', import.meta.url);

// At most this many example lines per query: one of each kind of line it reads.
const MAX_EXAMPLES = 2;

/**
 * The blocks of docs/history-and-dashboard.md between `<!-- example:ID -->` markers, one per
 * saved query: its name, question and text, and the lines it selects from `lines` (what the
 * handler logged), one of each kind.
 */
export function historyDocExamples(
  queries: HistoryQuery[],
  lines: string[],
): Record<string, string> {
  const events = lines.map(logEvent);
  return Object.fromEntries(queries.map((query) => [query.id, querySection(query, events)]));
}

/** The document with every query section rendered; a marker no query has is an error. */
export function fillHistoryDoc(doc: string, queries: HistoryQuery[], lines: string[]): string {
  return fillReadmeExamples(doc, historyDocExamples(queries, lines));
}

function querySection(query: HistoryQuery, events: LogEvent[]): string {
  const { selected } = runQuery(parseQuery(query.query), events);
  const examples = oneOfEachKind(selected);
  const messages = [...new Set(selected.map((event) => String(event.message)))];
  return [
    `### ${query.name}`,
    '',
    query.question,
    '',
    '```text',
    query.query,
    '```',
    '',
    `It reads the ${messages.map((m) => `"${m}"`).join(' and ')} lines. ${examples.length === 1 ? 'An example, as the handler wrote it' : 'Examples, as the handler wrote them'} in the test run (each is one line in the log):`,
    '',
    ...examples.flatMap((event, index) => [
      ...(index === 0 ? [] : ['']),
      '```json',
      JSON.stringify(JSON.parse(String(event['@message'])), null, 2),
      '```',
    ]),
  ].join('\n');
}

function oneOfEachKind(events: LogEvent[]): LogEvent[] {
  const seen = new Set<string>();
  const out: LogEvent[] = [];
  for (const event of events) {
    const kind = `${event.message}/${event.kind ?? ''}/${event.failureKind ?? ''}`;
    if (seen.has(kind) || out.length === MAX_EXAMPLES) continue;
    seen.add(kind);
    out.push(event);
  }
  return out;
}
