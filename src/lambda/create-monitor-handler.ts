import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createBedrockAvailabilitySource } from '../bedrock/availability-source.ts';
import { createBedrockClientCache } from '../bedrock/bedrock-clients.ts';
import { loadLambdaConfig } from '../config/bundled-config.ts';
import { type HandlerEnvironment, topicRegion } from '../config/handler-environment.ts';
import type { WatchedConfig } from '../config/watched-config.ts';
import { DeliveryLoadError, describeError, EnvironmentError } from '../errors.ts';
import { type MonitorLog, runCheck } from '../monitor/run-check.ts';
import type { RunSummary } from '../monitor/run-summary.ts';
import type { Notifier } from '../notify/notifier.ts';
import { DynamoDbStateStore } from '../state/dynamodb-state-store.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import { lazyConverseVerifier, lazySnsNotifier } from './lazy-delivery.ts';
import { type MetricsSink, publishRunMetrics, summaryLogFields } from './run-telemetry.ts';

/** The parts of the Lambda context the monitor reads. */
export interface MonitorContext {
  invokedFunctionArn: string;
  getRemainingTimeInMillis(): number;
}

export interface MonitorHandlerOptions {
  environment: HandlerEnvironment;
  log: MonitorLog & { error(message: string, fields?: Record<string, unknown>): void };
  metrics: MetricsSink;
  /** The run's observation time; tests move it forward to let an outbox claim lapse. */
  now?: () => Date;
  /** Tests replace how the notifier and the verifier are loaded (lazy-delivery.ts). */
  loadNotifier?: () => Promise<Notifier>;
  loadVerifier?: () => Promise<Verifier>;
}

export type MonitorHandler = (event: unknown, context: MonitorContext) => Promise<RunSummary>;

// Bedrock checks stop early enough to leave time for the state writes and the publishes.
const MIN_WRITE_TIME_MS = 5_000;

/**
 * Builds the scheduled handler. The DynamoDB client and the store are created here, once per
 * container, and reused by every invocation; the Bedrock clients on a region's first check;
 * the SNS and Bedrock Runtime clients when a run first publishes or verifies. The config is
 * read on the first invocation: the bundled one as data (validated at package time), or the
 * WATCHED_MODELS_FILE, validated then.
 */
export function createMonitorHandler({
  environment,
  log,
  metrics,
  now = () => new Date(),
  loadNotifier,
  loadVerifier,
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
  // Both are loaded by the first run that publishes or verifies (lazy-delivery.ts). A load
  // that fails is collected here and fails the invocation once the run has saved its state.
  const loadFailures: string[] = [];
  const onLoadFailure = (what: string, error: unknown) =>
    loadFailures.push(`${what} could not be loaded: ${describeError(error)}`);
  const notifier = lazySnsNotifier({
    topicArn: environment.alertTopicArn,
    region: topicRegion(environment.alertTopicArn),
    onLoadFailure,
    ...(loadNotifier === undefined ? {} : { load: loadNotifier }),
  });
  // Only called for models whose config entry has `verify`, and only when they become ENABLED.
  const verifier = lazyConverseVerifier({
    requestTimeoutMs: 10_000,
    onLoadFailure,
    ...(loadVerifier === undefined ? {} : { load: loadVerifier }),
  });
  let config: Promise<WatchedConfig> | undefined;

  return async (_event, context) => {
    loadFailures.length = 0;
    let summary: RunSummary;
    try {
      config ??= loadLambdaConfig(environment.watchedModelsFile);
      const remaining = context.getRemainingTimeInMillis();
      summary = await runCheck(
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
      publishRunMetrics(metrics, summary);
    } catch (error) {
      config = undefined;
      log.error('Run failed: the state store or the config could not be used', {
        error: describeError(error),
      });
      throw error;
    }
    if (loadFailures.length > 0) {
      const problems = [...new Set(loadFailures)];
      log.error('Run saved its state, but code it needed could not be loaded', { problems });
      throw new DeliveryLoadError(
        `${problems.join('; ')}. The run saved its state; its notifications wait in the outbox for a run that can send them. Redeploy the function if this persists.`,
      );
    }
    return summary;
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
