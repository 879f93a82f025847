import type { RunSummary } from '../monitor/run-summary.ts';

/** The part of Powertools Metrics this uses; tests pass a recorder. */
export interface MetricsSink {
  addMetric(name: string, unit: 'Count', value: number): void;
}

/**
 * Metric names, also used by the alarms in serverless.yml. Each costs up to $0.30 a month beyond
 * the free tier, so only these four: failed notifications and conflicts are in the summary line.
 * Checks is emitted once per completed run: its sample count counts successful runs. The other
 * three are emitted only when above zero (METRICS_ONLY_WHEN_NONZERO).
 */
export const METRIC = {
  checks: 'Checks',
  checkFailures: 'CheckFailures',
  transitions: 'Transitions',
  notifications: 'Notifications',
} as const;

/**
 * The metrics a run emits only when their count is above zero.
 *
 * CloudWatch prorates a custom metric's $0.30 a month by the hour and meters it only for the
 * hours in which data is sent ("All custom metrics charges are prorated by the hour and metered
 * only when you send metrics to CloudWatch", aws.amazon.com/cloudwatch/pricing). A zero sent
 * every run bills these three for every hour of the month ($0.90); sent only when something
 * happened, they cost for the hours in which a check failed, a grant changed or an alert went
 * out, which for a quiet account is close to nothing.
 *
 * A missing datapoint therefore means zero. The CheckFailures alarm treats missing data as
 * notBreaching, which is the same verdict a zero gave. Checks stays on every run: the
 * no-successful-run alarm counts its samples, and there a missing datapoint means no run.
 */
export const METRICS_ONLY_WHEN_NONZERO = [
  METRIC.checkFailures,
  METRIC.transitions,
  METRIC.notifications,
] as const;

/** Adds one run's counts as metrics (published as EMF by the caller). */
export function recordRunMetrics(metrics: MetricsSink, summary: RunSummary): void {
  metrics.addMetric(METRIC.checks, 'Count', summary.checks);
  const counts: Record<(typeof METRICS_ONLY_WHEN_NONZERO)[number], number> = {
    [METRIC.checkFailures]: summary.failures.length,
    [METRIC.transitions]: summary.transitions.length,
    [METRIC.notifications]: summary.notifications.published,
  };
  for (const name of METRICS_ONLY_WHEN_NONZERO) {
    if (counts[name] > 0) metrics.addMetric(name, 'Count', counts[name]);
  }
}

/** The run's summary line: counts, not the per-pair table (that is in the transition lines). */
export function summaryLogFields(summary: RunSummary): Record<string, unknown> {
  return {
    account: summary.account,
    durationMs: summary.durationMs,
    checks: summary.checks,
    states: summary.states,
    transitions: summary.transitions.length,
    notifications: summary.notifications,
    conflicts: summary.conflicts,
    deferred: summary.deferred,
    failures: summary.failures,
    skippedItems: summary.skippedItems,
  };
}
