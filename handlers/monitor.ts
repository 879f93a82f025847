import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { readHandlerEnvironment } from '../src/config/handler-environment.ts';
import { createScheduledHandler } from '../src/lambda/create-scheduled-handler.ts';
import { powertoolsSinks } from '../src/lambda/powertools-sinks.ts';

// Module scope: created once per container, reused by every invocation. The service name and
// the metrics namespace come from POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE,
// set per stage in serverless.yml, where the alarms read the same values back.

/**
 * The scheduled entry point: one monitoring run, or in organization mode the planning run that
 * queues one check per member account; returns its summary.
 */
export const handler = createScheduledHandler({
  environment: readHandlerEnvironment(),
  ...powertoolsSinks(new Logger(), new Metrics()),
});
