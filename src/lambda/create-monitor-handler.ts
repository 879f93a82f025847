import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createBedrockAvailabilitySource } from '../bedrock/availability-source.ts';
import { createBedrockClientCache } from '../bedrock/bedrock-clients.ts';
import { loadLambdaConfig } from '../config/bundled-config.ts';
import { type HandlerEnvironment, topicRegion } from '../config/handler-environment.ts';
import type { WatchedConfig } from '../config/watched-config.ts';
import { EnvironmentError } from '../errors.ts';
import { type MonitorLog, runCheck } from '../monitor/run-check.ts';
import type { RunSummary } from '../monitor/run-summary.ts';
import { DynamoDbStateStore } from '../state/dynamodb-state-store.ts';
import { lazyConverseVerifier, lazySnsNotifier } from './lazy-delivery.ts';
import { type MetricsSink, recordRunMetrics, summaryLogFields } from './run-telemetry.ts';

/** The parts of the Lambda context the monitor reads. */
export interface MonitorContext {
  invokedFunctionArn: string;
  getRemainingTimeInMillis(): number;
}

export interface MonitorHandlerOptions {
  environment: HandlerEnvironment;
  log: MonitorLog & { error(message: string, fields?: Record<string, unknown>): void };
  metrics: MetricsSink & { publishStoredMetrics(): void };
  /** The run's observation time; tests move it forward to let an outbox claim lapse. */
  now?: () => Date;
}

export type MonitorHandler = (event: unknown, context: MonitorContext) => Promise<RunSummary>;

// Bedrock checks stop early enough to leave time for the state writes and the publishes.
const MIN_WRITE_TIME_MS = 5_000;

/**
 * Builds the scheduled handler. Clients and the store are created here, once per container,
 * and reused by every invocation; the config is loaded and validated on the first one.
 */
export function createMonitorHandler({
  environment,
  log,
  metrics,
  now = () => new Date(),
}: MonitorHandlerOptions): MonitorHandler {
  const availability = createBedrockAvailabilitySource({
    clientForRegion: createBedrockClientCache({ requestTimeoutMs: 10_000, maxAttempts: 5 }),
    concurrencyPerRegion: 4,
  });
  const store = new DynamoDbStateStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName: environment.stateTableName,
    historyTtlDays: environment.historyTtlDays,
  });
  // Both are loaded by the first run that publishes or verifies (lazy-delivery.ts).
  const notifier = lazySnsNotifier({
    topicArn: environment.alertTopicArn,
    region: topicRegion(environment.alertTopicArn),
  });
  // Only called for models whose config entry has `verify`, and only when they become ENABLED.
  const verifier = lazyConverseVerifier({ requestTimeoutMs: 10_000 });
  let config: Promise<WatchedConfig> | undefined;

  return async (_event, context) => {
    try {
      config ??= loadLambdaConfig(environment.watchedModelsFile);
      const remaining = context.getRemainingTimeInMillis();
      const summary = await runCheck(
        {
          account: accountOf(context.invokedFunctionArn),
          config: await config,
          availability,
          store,
          notifier,
          verifier,
          deadline: Date.now() + remaining - Math.max(MIN_WRITE_TIME_MS, remaining / 4),
          // No run outlives the function's timeout, so an older claim belongs to a dead run.
          outboxLeaseMs: remaining + 30_000,
          log,
        },
        now(),
      );
      log.info('Run summary', summaryLogFields(summary));
      recordRunMetrics(metrics, summary);
      metrics.publishStoredMetrics();
      return summary;
    } catch (error) {
      config = undefined;
      log.error('Run failed: the state store or the config could not be used', {
        error: describe(error),
      });
      throw error;
    }
  };
}

/** The account id from the function's own ARN: no STS call needed. */
function accountOf(functionArn: string): string {
  const account = functionArn.split(':')[4];
  if (account === undefined || !/^\d{12}$/.test(account)) {
    throw new EnvironmentError(
      `Cannot read an account id from the function ARN ${JSON.stringify(functionArn)}.`,
    );
  }
  return account;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
