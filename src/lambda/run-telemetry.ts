import type { RunSummary } from '../monitor/run-summary.ts';

/** The part of Powertools Metrics this uses; tests pass a recorder. */
export interface MetricsSink {
  addMetric(name: string, unit: 'Count', value: number): void;
}

/**
 * Metric names, also used by the alarms in serverless.yml. Each costs $0.30 a month beyond the
 * free tier, so only these four: failed notifications and conflicts are in the summary line.
 * Checks is emitted once per completed run: its sample count counts successful runs.
 */
export const METRIC = {
  checks: 'Checks',
  checkFailures: 'CheckFailures',
  transitions: 'Transitions',
  notifications: 'Notifications',
} as const;

/** Adds one run's counts as metrics (published as EMF by the caller). */
export function recordRunMetrics(metrics: MetricsSink, summary: RunSummary): void {
  metrics.addMetric(METRIC.checks, 'Count', summary.checks);
  metrics.addMetric(METRIC.checkFailures, 'Count', summary.failures.length);
  metrics.addMetric(METRIC.transitions, 'Count', summary.transitions.length);
  metrics.addMetric(METRIC.notifications, 'Count', summary.notifications.published);
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
    failures: summary.failures,
    skippedItems: summary.skippedItems,
  };
}
