import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { readHandlerEnvironment } from '../src/config/handler-environment.ts';
import { createWorkerHandler } from '../src/lambda/create-worker-handler.ts';

// Module scope: created once per container, reused by every invocation (as handlers/monitor.ts).
const log = new Logger();
const metrics = new Metrics();

/**
 * Organization mode's worker, on the work queue's event source mapping: one member account's
 * checks per message; returns the messages to deliver again (ReportBatchItemFailures).
 */
export const handler = createWorkerHandler({
  environment: readHandlerEnvironment(),
  log: {
    info: (message, fields) => log.info(message, fields ?? {}),
    warn: (message, fields) => log.warn(message, fields ?? {}),
    error: (message, fields) => log.error(message, fields ?? {}),
  },
  metrics: {
    addMetric: (name, unit, value) => metrics.addMetric(name, unit, value),
    publishStoredMetrics: () => metrics.publishStoredMetrics(),
  },
});
