import { describe, expect, it } from 'vitest';
import {
  METRIC,
  METRICS_ONLY_WHEN_NONZERO,
  type MetricsSink,
  recordRunMetrics,
} from '../../src/lambda/run-telemetry.ts';
import type { RunSummary } from '../../src/monitor/run-summary.ts';

type Recorded = { name: string; unit: string; value: number };

function record(summary: RunSummary): Recorded[] {
  const recorded: Recorded[] = [];
  const sink: MetricsSink = {
    addMetric: (name, unit, value) => recorded.push({ name, unit, value }),
  };
  recordRunMetrics(sink, summary);
  return recorded;
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
  it('are Checks alone on a quiet run: a zero metric is billed for the hour it is sent', () => {
    expect(record(quietRun())).toEqual([{ name: METRIC.checks, unit: 'Count', value: 9 }]);
  });

  it('keep Checks on every completed run, even one with no check (the alarm counts samples)', () => {
    expect(record(quietRun({ checks: 0 }))).toEqual([
      { name: METRIC.checks, unit: 'Count', value: 0 },
    ]);
  });

  it('add CheckFailures with its count when checks failed', () => {
    expect(record(quietRun({ failures: [failure, failure, failure] }))).toEqual([
      { name: METRIC.checks, unit: 'Count', value: 9 },
      { name: METRIC.checkFailures, unit: 'Count', value: 3 },
    ]);
  });

  it('add Transitions and Notifications with their counts, each only when above zero', () => {
    expect(record(quietRun({ transitions: [transition, transition] }))).toEqual([
      { name: METRIC.checks, unit: 'Count', value: 9 },
      { name: METRIC.transitions, unit: 'Count', value: 2 },
    ]);
    // A notification left in the outbox by an earlier run, delivered by this one.
    expect(record(quietRun({ notifications: { published: 1, failed: 0 } }))).toEqual([
      { name: METRIC.checks, unit: 'Count', value: 9 },
      { name: METRIC.notifications, unit: 'Count', value: 1 },
    ]);
    // A failed publish is in the summary line, not a metric.
    expect(record(quietRun({ notifications: { published: 0, failed: 2 } }))).toEqual([
      { name: METRIC.checks, unit: 'Count', value: 9 },
    ]);
  });

  it('emit all four when everything happened in one run', () => {
    const busy = quietRun({
      failures: [failure],
      transitions: [transition, transition, transition],
      notifications: { published: 2, failed: 1 },
    });
    expect(record(busy)).toEqual([
      { name: METRIC.checks, unit: 'Count', value: 9 },
      { name: METRIC.checkFailures, unit: 'Count', value: 1 },
      { name: METRIC.transitions, unit: 'Count', value: 3 },
      { name: METRIC.notifications, unit: 'Count', value: 2 },
    ]);
  });

  it('leave out at zero every metric but Checks', () => {
    expect([...METRICS_ONLY_WHEN_NONZERO].sort()).toEqual(
      Object.values(METRIC)
        .filter((name) => name !== METRIC.checks)
        .sort(),
    );
  });
});
