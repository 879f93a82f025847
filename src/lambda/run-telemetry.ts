import type { RunSummary } from '../monitor/run-summary.ts';

/** The part of Powertools Metrics this uses; tests pass a recorder. */
export interface MetricsSink {
  addMetric(name: string, unit: 'Count', value: number): void;
}

/** Metric names, also used by the alarms in serverless.yml. */
export const METRIC = {
  checks: 'Checks',
  checkFailures: 'CheckFailures',
  transitions: 'Transitions',
  notificationsPublished: 'NotificationsPublished',
  notificationsFailed: 'NotificationsFailed',
  conflicts: 'Conflicts',
  successfulRuns: 'SuccessfulRuns',
} as const;

/** Adds one run's counts as metrics (published as EMF by the caller). */
export function recordRunMetrics(metrics: MetricsSink, summary: RunSummary): void {
  metrics.addMetric(METRIC.checks, 'Count', summary.checks);
  metrics.addMetric(METRIC.checkFailures, 'Count', summary.failures.length);
  metrics.addMetric(METRIC.transitions, 'Count', summary.transitions.length);
  metrics.addMetric(METRIC.notificationsPublished, 'Count', summary.notifications.published);
  metrics.addMetric(METRIC.notificationsFailed, 'Count', summary.notifications.failed);
  metrics.addMetric(METRIC.conflicts, 'Count', summary.conflicts);
  metrics.addMetric(METRIC.successfulRuns, 'Count', 1);
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
