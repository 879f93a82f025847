import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createBedrockAvailabilitySource } from '../bedrock/availability-source.ts';
import {
  type BedrockClientForRegion,
  createBedrockClientCache,
} from '../bedrock/bedrock-clients.ts';
import { createBedrockCatalogSource } from '../catalog/catalog-source.ts';
import { loadLambdaConfig } from '../config/bundled-config.ts';
import { type HandlerEnvironment, topicRegion } from '../config/handler-environment.ts';
import { checkBudgetMs } from '../config/run-capacity.ts';
import type { WatchedConfig } from '../config/watched-config.ts';
import {
  BedrockAccessMonitorError,
  DefectError,
  DeliveryLoadError,
  describeError,
  EnvironmentError,
} from '../errors.ts';
import { type MonitorLog, runCheck } from '../monitor/run-check.ts';
import type { RunSummary } from '../monitor/run-summary.ts';
import type { Notifier } from '../notify/notifier.ts';
import { DynamoDbStateStore } from '../state/dynamodb-state-store.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import { lazyConverseVerifier, lazyEventBridgeNotifier, lazySnsNotifier } from './lazy-delivery.ts';
import { type MetricsSink, publishRunMetrics, summaryLogFields } from './run-telemetry.ts';
import { scheduledTime } from './scheduled-time.ts';

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
  /** The Bedrock client of each region; default: one per region, created on first use. */
  clientForRegion?: BedrockClientForRegion;
  /** Tests replace how the notifier and the verifier are loaded (lazy-delivery.ts). */
  loadNotifier?: () => Promise<Notifier>;
  loadEventBus?: () => Promise<Notifier>;
  loadVerifier?: () => Promise<Verifier>;
}

export type MonitorHandler = (event: unknown, context: MonitorContext) => Promise<RunSummary>;

// A claim outlives the run that made it by this much: no run outlives the function's timeout.
const LEASE_MARGIN_MS = 30_000;

/**
 * The run's time budget from the context's remaining time, in whole milliseconds (Lambda hands
 * an integer such as 119,987; AbortSignal.timeout refuses anything but an integer): Bedrock
 * calls end by `deadline`, leaving the rest of the time (checkBudgetMs, which `validate` also
 * measures a config against) to save and publish; an outbox claim lasts longer than any run can.
 */
export function runBudget(
  remainingMs: number,
  nowMs: number,
): { deadline: number; outboxLeaseMs: number } {
  const remaining = Math.max(Math.floor(remainingMs), 0);
  return {
    deadline: Math.floor(nowMs) + checkBudgetMs(remaining),
    outboxLeaseMs: remaining + LEASE_MARGIN_MS,
  };
}

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
  clientForRegion = createBedrockClientCache({ requestTimeoutMs: 10_000, maxAttempts: 5 }),
  loadNotifier,
  loadEventBus,
  loadVerifier,
}: MonitorHandlerOptions): MonitorHandler {
  const availability = createBedrockAvailabilitySource({
    clientForRegion,
    concurrencyPerRegion: 4,
  });
  // One ListFoundationModels per watched region and run, on the same clients.
  const catalog = createBedrockCatalogSource({ clientForRegion, concurrency: 4 });
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
  // Only with EVENT_BUS_NAME set: every announced event goes to the bus too, tracked apart.
  const eventBus =
    environment.eventBusName === undefined
      ? undefined
      : lazyEventBridgeNotifier({
          eventBusName: environment.eventBusName,
          onLoadFailure,
          ...(loadEventBus === undefined ? {} : { load: loadEventBus }),
        });
  // Only called for models whose config entry has `verify`, and only when they become ENABLED.
  const verifier = lazyConverseVerifier({
    requestTimeoutMs: 10_000,
    onLoadFailure,
    ...(loadVerifier === undefined ? {} : { load: loadVerifier }),
  });
  let config: Promise<WatchedConfig> | undefined;

  return async (event, context) => {
    loadFailures.length = 0;
    let summary: RunSummary;
    try {
      config ??= loadLambdaConfig(environment.watchedModelsFile);
      const budget = runBudget(context.getRemainingTimeInMillis(), Date.now());
      summary = await runCheck(
        {
          account: accountOf(context.invokedFunctionArn),
          config: await config,
          availability,
          catalog,
          store,
          notifier,
          ...(eventBus === undefined ? {} : { eventBus }),
          verifier,
          ...budget,
          log,
        },
        scheduledTime(event, now()),
      );
      log.info('Run summary', summaryLogFields(summary));
      publishRunMetrics(metrics, summary);
    } catch (error) {
      if (error instanceof BedrockAccessMonitorError && !(error instanceof DefectError)) {
        config = undefined;
        log.error('Run failed: the state store or the config could not be used', {
          error: describeError(error),
        });
        throw error;
      }
      // Anything else is a bug: loud, with its stack, never passed off as an AWS failure.
      const defects = error instanceof DefectError ? error.defects : [error];
      log.error('Run failed: a programming error (a bug, not an AWS failure)', {
        error: describeError(error),
        savedOtherChecks: error instanceof DefectError,
        defects: defects.map(describeError),
        stack: (defects[0] as Error | undefined)?.stack,
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
