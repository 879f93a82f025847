import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { readHandlerEnvironment } from '../src/config/handler-environment.ts';
import { createWorkerHandler } from '../src/lambda/create-worker-handler.ts';
import { powertoolsSinks } from '../src/lambda/powertools-sinks.ts';

// Module scope: created once per container, reused by every invocation (as handlers/monitor.ts).

/**
 * Organization mode's worker, on the work queue's event source mapping: one member account's
 * checks per message; returns the messages to deliver again (ReportBatchItemFailures).
 */
export const handler = createWorkerHandler({
  environment: readHandlerEnvironment(),
  ...powertoolsSinks(new Logger(), new Metrics()),
});
