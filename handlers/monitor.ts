import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { readHandlerEnvironment } from '../src/config/handler-environment.ts';
import { createScheduledHandler } from '../src/lambda/create-scheduled-handler.ts';

// Module scope: created once per container, reused by every invocation. The service name and
// the metrics namespace come from POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE,
// set per stage in serverless.yml, where the alarms read the same values back.
const log = new Logger();
const metrics = new Metrics();

/**
 * The scheduled entry point: one monitoring run, or in organization mode the planning run that
 * queues one check per member account; returns its summary.
 */
export const handler = createScheduledHandler({
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
