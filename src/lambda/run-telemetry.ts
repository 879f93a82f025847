import type { RunSummary } from '../monitor/run-summary.ts';

/** The part of Powertools Metrics this uses; tests pass a recorder. */
export interface MetricsSink {
  addMetric(name: string, unit: 'Count', value: number): void;
  publishStoredMetrics(): void;
}

/**
 * Metric names, also used by the alarms in serverless.yml. Each is sent only by a run in which
 * it is above zero.
 *
 * CloudWatch prorates a custom metric's monthly price by the hour and meters it only for the
 * hours in which data is sent ("All custom metrics charges are prorated by the hour and metered
 * only when you send metrics to CloudWatch", aws.amazon.com/cloudwatch/pricing). Sent only when
 * something happened, they cost for the hours in which a check failed, a grant changed or an
 * alert went out, which for a quiet account is close to nothing; a run where nothing happened
 * sends no metric at all. A missing datapoint therefore means zero: the CheckFailures alarm
 * treats missing data as notBreaching. Whether runs happen at all is read from Lambda's own
 * Invocations and Errors, which cost nothing (the no-successful-run alarm).
 */
export const METRIC = {
  checkFailures: 'CheckFailures',
  transitions: 'Transitions',
  notifications: 'Notifications',
  /** Watched ids that no watched region lists: a config to fix, reported by every run. */
  unknownModels: 'UnknownModelIds',
} as const;

/**
 * Sends one run's counts as metrics (EMF), those above zero only. With none, nothing is
 * published: Powertools would otherwise log a warning about empty metrics on every quiet run.
 */
export function publishRunMetrics(metrics: MetricsSink, summary: RunSummary): void {
  const counts: Record<(typeof METRIC)[keyof typeof METRIC], number> = {
    [METRIC.checkFailures]: summary.failures.length,
    [METRIC.transitions]: summary.transitions.length,
    [METRIC.notifications]: summary.notifications.published,
    [METRIC.unknownModels]: summary.unknownModels?.length ?? 0,
  };
  const sent = Object.entries(counts).filter(([, count]) => count > 0);
  for (const [name, count] of sent) metrics.addMetric(name, 'Count', count);
  if (sent.length > 0) metrics.publishStoredMetrics();
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
    announcements: summary.announcements?.length ?? 0,
    unknownModels: summary.unknownModels ?? [],
    catalogFailures: summary.catalogFailures ?? [],
  };
}
