import { describe, expect, it } from 'vitest';
import { invocationFigures } from '../../bench/invocation-figures.ts';

const summary = (account: string, checks: number, unknown: number, published: number) =>
  JSON.stringify({
    level: 'INFO',
    message: 'Run summary',
    account,
    checks,
    states: { AVAILABLE: checks - unknown, ...(unknown > 0 ? { UNKNOWN: unknown } : {}) },
    transitions: published,
    notifications: { published },
  });

describe('invocationFigures', () => {
  it("sums the worker's per-account run summaries and counts its batchItemFailures", () => {
    const stdout = `${[
      summary('100000000001', 20, 0, 0),
      summary('100000000002', 20, 3, 1),
      JSON.stringify({ _aws: { CloudWatchMetrics: [] }, checks: 99 }),
      'not json',
    ].join('\n')}\n`;
    const figures = invocationFigures(stdout, {
      batchItemFailures: [{ itemIdentifier: 'm-3' }],
    });
    expect(figures).toEqual({
      runs: 2,
      checks: 40,
      unknown: 3,
      transitions: 1,
      published: 1,
      failedMessages: 1,
      logBytes: Buffer.byteLength(stdout, 'utf8'),
      logLines: 4,
      logMessages: ['Run summary', 'Run summary', '(EMF metrics)', '(text)'],
    });
  });

  it("reads the scheduled handler's one summary; its response has no batchItemFailures", () => {
    const figures = invocationFigures(`${summary('123456789012', 720, 0, 2)}\n`, {
      checks: 720,
      transitions: [],
    });
    expect(figures.runs).toBe(1);
    expect(figures.checks).toBe(720);
    expect(figures.published).toBe(2);
    expect(figures.failedMessages).toBe(0);
  });

  it('finds nothing in silent output', () => {
    expect(invocationFigures('', undefined)).toMatchObject({
      runs: 0,
      checks: 0,
      logLines: 0,
      logMessages: [],
    });
  });
});
