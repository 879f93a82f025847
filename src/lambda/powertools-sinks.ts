import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { MonitorLog } from '../monitor/monitor-log.ts';
import type { MetricsSink } from './run-telemetry.ts';

/** The handlers' log and metrics, written through Powertools (one of each per container). */
export function powertoolsSinks(
  log: Logger,
  metrics: Metrics,
): {
  log: MonitorLog & { error(message: string, fields?: Record<string, unknown>): void };
  metrics: MetricsSink;
} {
  return {
    log: {
      info: (message, fields) => log.info(message, fields ?? {}),
      warn: (message, fields) => log.warn(message, fields ?? {}),
      error: (message, fields) => log.error(message, fields ?? {}),
    },
    metrics: {
      addMetric: (name, unit, value) => metrics.addMetric(name, unit, value),
      publishStoredMetrics: () => metrics.publishStoredMetrics(),
    },
  };
}
