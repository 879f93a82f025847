import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createBedrockAvailabilitySource } from '../bedrock/availability-source.ts';
import {
  type BedrockClientForRegion,
  createBedrockClientCache,
} from '../bedrock/bedrock-clients.ts';
import { createRuntimeClientCache } from '../bedrock/runtime-clients.ts';
import { createBedrockCatalogSource } from '../catalog/catalog-source.ts';
import { loadLambdaConfig } from '../config/bundled-config.ts';
import { type HandlerEnvironment, topicRegion } from '../config/handler-environment.ts';
import { checkBudgetMs } from '../config/run-capacity.ts';
import type { WatchedConfig } from '../config/watched-config.ts';
import {
  BedrockAccessMonitorError,
  DefectError,
  describeError,
  EnvironmentError,
} from '../errors.ts';
import { type MonitorLog, runCheck } from '../monitor/run-check.ts';
import type { RunSummary } from '../monitor/run-summary.ts';
import { createBusPublisher } from '../notify/eventbridge-publisher.ts';
import type { Notifier } from '../notify/notifier.ts';
import { createTopicNotifier } from '../notify/sns-notifier.ts';
import { DynamoDbStateStore } from '../state/dynamodb-state-store.ts';
import { createConverseVerifier, type Verifier } from '../verify/converse-verifier.ts';
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
  /** Default: SNS Publish to the alert topic. */
  notifier?: Notifier;
  /** Default: with EVENT_BUS_NAME set, PutEvents to that bus; without it, none. */
  eventBus?: Notifier;
  /** Default: a Converse call per verified model, its runtime client created on first use. */
  verifier?: Verifier;
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
 * Builds the scheduled handler. The DynamoDB and SNS clients and the store are created here,
 * once per container, and reused by every invocation; the Bedrock clients on a region's first
 * check, the Bedrock Runtime client on its first verification. The config is read and
 * validated on the first invocation: the bundled one, or the WATCHED_MODELS_FILE.
 */
export function createMonitorHandler({
  environment,
  log,
  metrics,
  now = () => new Date(),
  clientForRegion = createBedrockClientCache({ requestTimeoutMs: 10_000, maxAttempts: 5 }),
  notifier = createTopicNotifier(environment.alertTopicArn, topicRegion(environment.alertTopicArn)),
  // Only with EVENT_BUS_NAME set: every announced event goes to the bus too, tracked apart.
  eventBus = environment.eventBusName === undefined
    ? undefined
    : createBusPublisher(environment.eventBusName),
  // Only called for models whose config entry has `verify`, and only when they become ENABLED.
  verifier = createConverseVerifier(createRuntimeClientCache({ requestTimeoutMs: 10_000 })),
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
  let config: Promise<WatchedConfig> | undefined;

  return async (event, context) => {
    let summary: RunSummary;
    try {
      config ??= loadLambdaConfig(environment.watchedModelsFile);
      const budget = runBudget(context.getRemainingTimeInMillis(), Date.now());
      summary = await runCheck(
        {
          account: functionArnParts(context.invokedFunctionArn).account,
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
    return summary;
  };
}

/** The partition and account id from the function's own ARN: no STS call needed. */
export function functionArnParts(functionArn: string): { partition: string; account: string } {
  const [, partition = 'aws', , , account = ''] = functionArn.split(':');
  if (!/^\d{12}$/.test(account)) {
    throw new EnvironmentError(
      `Cannot read an account id from the function ARN ${JSON.stringify(functionArn)}.`,
    );
  }
  return { partition, account };
}
