import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  carries,
  LogsInsightsSyntaxError,
  logEvent,
  namedFields,
  parseQuery,
  runQuery,
} from '../support/logs-insights.ts';

// The interpreter is the acceptance test's oracle for the saved queries: it must itself fail on
// what it does not know and agree with a plain reading of the commands it does.

const line = (fields: Record<string, unknown>, at = '2026-11-24T12:00:00.000Z') =>
  JSON.stringify({ level: 'INFO', timestamp: at, ...fields });

describe('the Logs Insights interpreter of the tests', () => {
  it('flattens a JSON line as Logs Insights discovers its fields', () => {
    const event = logEvent(
      line({ raw: { agreement: 'ERROR', agreementError: null }, list: [{ a: 1 }] }),
    );

    expect(event).toMatchObject({ 'raw.agreement': 'ERROR', 'list.0.a': 1, level: 'INFO' });
    expect(event['@timestamp']).toBe(Date.UTC(2026, 10, 24, 12));
    expect(carries(event, 'raw.agreementError')).toBe(false);
    expect(carries(event, 'raw.agreement')).toBe(true);
  });

  it('refuses commands, functions and syntax it does not know, saying where', () => {
    expect(() => parseQuery('parse @message "x *" as y')).toThrow(LogsInsightsSyntaxError);
    expect(() => parseQuery('stats pct(x, 50)')).toThrow(/pct/);
    expect(() => parseQuery('filter a = "b')).toThrow(/unterminated/);
    expect(() => parseQuery('filter a = | sort b')).toThrow(/expected a value/);
    expect(() => parseQuery('fields a b')).toThrow(/expected \| or the end/);
    expect(() => runQuery(parseQuery('sort a | filter b = 1'), [])).toThrow(/filter after/);
  });

  it('names the fields each command reads, not the columns an earlier command made', () => {
    const commands = parseQuery(
      'fields x / 2 as half, `from` | filter message in ["a"] and not ispresent(y) | stats avg(half) as h, latest(z) by k | sort h desc',
    );

    expect(namedFields(commands)).toEqual([
      { field: 'x', where: 'fields' },
      { field: 'from', where: 'fields' },
      { field: 'message', where: 'filter' },
      { field: 'y', where: 'filter' },
      { field: 'z', where: 'stats' },
      { field: 'k', where: 'stats by' },
    ]);
  });

  it('filters, groups and sorts as a plain reading of the commands does, for any lines', () => {
    const entry = fc.record({
      kind: fc.constantFrom('a', 'b', 'c'),
      group: fc.constantFrom('g1', 'g2'),
      n: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      minute: fc.integer({ min: 0, max: 59 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
        const events = entries.map((e) =>
          logEvent(
            line(
              { kind: e.kind, group: e.group, ...(e.n === undefined ? {} : { n: e.n }) },
              new Date(Date.UTC(2026, 10, 24, 12, e.minute)).toISOString(),
            ),
          ),
        );

        const { selected, rows } = runQuery(
          parseQuery(
            'filter kind in ["a", "b"] and n >= 10 | stats count(*) as c, max(n) as top, latest(kind) as last by group | sort group asc',
          ),
          events,
        );

        const kept = entries.filter(
          (e) => ['a', 'b'].includes(e.kind) && e.n !== undefined && e.n >= 10,
        );
        expect(selected).toHaveLength(kept.length);
        const groups = [...new Set(kept.map((e) => e.group))].sort();
        expect(rows.map((row) => row.group)).toEqual(groups);
        for (const row of rows) {
          const mine = kept.filter((e) => e.group === row.group);
          const latestMinute = Math.max(...mine.map((e) => e.minute));
          expect(row.c).toBe(mine.length);
          expect(row.top).toBe(Math.max(...mine.map((e) => e.n as number)));
          // latest: the value of a line with the latest @timestamp (ties: any of them).
          expect(mine.filter((e) => e.minute === latestMinute).map((e) => e.kind)).toContain(
            row.last,
          );
        }
      }),
    );
  });

  it('treats a comparison with a field the line lacks as false, and keeps order for limit', () => {
    const events = ['12:00', '12:05', '12:10'].map((time, i) =>
      logEvent(line(i === 1 ? { v: 5 } : { v: i * 10, w: 'x' }, `2026-11-24T${time}:00.000Z`)),
    );

    const missing = runQuery(parseQuery('filter w != "y"'), events);
    const newest = runQuery(parseQuery('fields v | sort @timestamp desc | limit 2'), events);

    expect(missing.selected.map((e) => e.v)).toEqual([0, 20]);
    expect(newest.rows).toEqual([{ v: 20 }, { v: 5 }]);
  });
});
