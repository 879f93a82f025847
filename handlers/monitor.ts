import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { readHandlerEnvironment } from '../src/config/handler-environment.ts';
import { createMonitorHandler } from '../src/lambda/create-monitor-handler.ts';

// Module scope: created once per container, reused by every invocation.
const log = new Logger({ serviceName: 'bedrock-access-monitor' });
const metrics = new Metrics({
  namespace: 'BedrockAccessMonitor',
  serviceName: 'bedrock-access-monitor',
});

/** The scheduled entry point: one monitoring run; returns the run's summary. */
export const handler = createMonitorHandler({
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
