import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { METRIC, type MetricsSink, publishRunMetrics } from '../../src/lambda/run-telemetry.ts';
import type { RunSummary } from '../../src/monitor/run-summary.ts';

type Recorded = { name: string; unit: string; value: number };

/** What a run sends: the metrics of each published EMF document (none when nothing is published). */
function send(summary: RunSummary): Recorded[][] {
  const documents: Recorded[][] = [];
  let pending: Recorded[] = [];
  const sink: MetricsSink = {
    addMetric: (name, unit, value) => pending.push({ name, unit, value }),
    publishStoredMetrics: () => {
      documents.push(pending);
      pending = [];
    },
  };
  publishRunMetrics(sink, summary);
  expect(pending, 'metrics added but never published').toEqual([]);
  return documents;
}

function quietRun(change: Partial<RunSummary> = {}): RunSummary {
  return {
    account: '123456789012',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 900,
    checks: 9,
    deferred: 0,
    states: {
      ENABLED: 9,
      IN_PROGRESS: 0,
      NOT_ENABLED: 0,
      FAILED: 0,
      NOT_AUTHORIZED: 0,
      NOT_OFFERED: 0,
      UNKNOWN: 0,
    },
    transitions: [],
    notifications: { published: 0, failed: 0 },
    failures: [],
    conflicts: 0,
    skippedItems: [],
    pairs: [],
    ...change,
  };
}

const failure = {
  region: 'us-west-2',
  modelId: 'amazon.nova-pro-v1:0',
  kind: 'throttled',
  errorName: 'ThrottlingException',
  message: 'Rate exceeded',
} as const;

const transition = { kind: 'ready' } as unknown as RunSummary['transitions'][number];

describe('the run metrics', () => {
  it('are not sent at all by a run where nothing happened', () => {
    expect(send(quietRun())).toEqual([]);
    expect(send(quietRun({ checks: 0 }))).toEqual([]);
    // A failed publish is in the summary line, not a metric.
    expect(send(quietRun({ notifications: { published: 0, failed: 2 } }))).toEqual([]);
  });

  it('are CheckFailures with its count when checks failed', () => {
    expect(send(quietRun({ failures: [failure, failure, failure] }))).toEqual([
      [{ name: METRIC.checkFailures, unit: 'Count', value: 3 }],
    ]);
  });

  it('are, in one document, each count above zero and only those, for any run', () => {
    const runs = fc.record({
      failures: fc.nat({ max: 5 }),
      transitions: fc.nat({ max: 5 }),
      published: fc.nat({ max: 5 }),
      failed: fc.nat({ max: 3 }),
    });
    fc.assert(
      fc.property(runs, (counts) => {
        const summary = quietRun({
          failures: Array.from({ length: counts.failures }, () => failure),
          transitions: Array.from({ length: counts.transitions }, () => transition),
          notifications: { published: counts.published, failed: counts.failed },
        });

        // The reference: the three counts, the zeros dropped, one document if anything is left.
        const expected = [
          { name: 'CheckFailures', unit: 'Count', value: counts.failures },
          { name: 'Transitions', unit: 'Count', value: counts.transitions },
          { name: 'Notifications', unit: 'Count', value: counts.published },
        ].filter((metric) => metric.value > 0);
        expect(send(summary)).toEqual(expected.length === 0 ? [] : [expected]);
      }),
    );
  });
});
