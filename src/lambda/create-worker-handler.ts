import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createBedrockClientCache } from '../bedrock/bedrock-clients.ts';
import { createRuntimeClientCache } from '../bedrock/runtime-clients.ts';
import { createBedrockCatalogSource } from '../catalog/catalog-source.ts';
import { loadLambdaConfig } from '../config/bundled-config.ts';
import { type HandlerEnvironment, topicRegion } from '../config/handler-environment.ts';
import type { WatchedConfig } from '../config/watched-config.ts';
import {
  BedrockAccessMonitorError,
  DefectError,
  describeError,
  EnvironmentError,
  WorkMessageError,
} from '../errors.ts';
import type { MonitorLog } from '../monitor/monitor-log.ts';
import { type BusNotifier, createBusPublisher } from '../notify/eventbridge-publisher.ts';
import { createSnsNotifier } from '../notify/sns-notifier.ts';
import { checkMember, type MemberCheckResult } from '../organization/check-member.ts';
import { createMemberAvailability } from '../organization/member-availability.ts';
import { createMemberCredentials } from '../organization/member-credentials.ts';
import { createAccountEventPublisher } from '../organization/record-reachability.ts';
import { parseWorkMessage } from '../organization/work-message.ts';
import { DynamoDbAccountStatusStore } from '../state/dynamodb-account-status.ts';
import { DynamoDbStateStore } from '../state/dynamodb-state-store.ts';
import { createConverseVerifier } from '../verify/converse-verifier.ts';
import type { MonitorContext } from './create-monitor-handler.ts';
import { functionArnParts, runBudget } from './create-monitor-handler.ts';
import { METRIC, type MetricsSink, summaryLogFields } from './run-telemetry.ts';

export interface WorkerHandlerOptions {
  environment: HandlerEnvironment;
  log: MonitorLog & { error(message: string, fields?: Record<string, unknown>): void };
  metrics: MetricsSink;
  now?: () => Date;
  /** Default: one client in the function's region, created once. */
  sts?: STSClient;
  /**
   * Default: the EVENT_BUS_NAME bus, when set; members' events go there too, their
   * reachability events included.
   */
  eventBus?: BusNotifier;
}

export type WorkerHandler = (event: SQSEvent, context: MonitorContext) => Promise<SQSBatchResponse>;

/** Metric names of the worker, beside the run's (run-telemetry.ts). */
export const WORKER_METRIC = {
  unreachableAccounts: 'UnreachableAccounts',
  staleMessages: 'StaleWorkMessages',
} as const;

/**
 * The worker of organization mode: one SQS batch of work messages, each one member account's
 * checks for one period (organization/check-member.ts). A message that cannot be completed
 * (its account unreachable, AssumeRole throttled, the table unreachable, the message unreadable)
 * is reported in `batchItemFailures`, alone, so SQS delivers it again and, after the queue's
 * maxReceiveCount, moves it to the alarmed dead-letter queue. A defect of this program fails the
 * invocation once every message has been handled.
 */
export function createWorkerHandler({
  environment,
  log,
  metrics,
  now = () => new Date(),
  sts = new STSClient({}),
  eventBus = environment.eventBusName === undefined
    ? undefined
    : createBusPublisher(environment.eventBusName),
}: WorkerHandlerOptions): WorkerHandler {
  const schedulePeriodMs = environment.schedulePeriodMs;
  if (schedulePeriodMs === undefined) {
    throw new EnvironmentError(
      'SCHEDULE_PERIOD_MS is not set: the worker needs the schedule period to skip stale work messages.',
    );
  }
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const accountStatus = new DynamoDbAccountStatusStore(documents, environment.stateTableName);
  const store = new DynamoDbStateStore({
    client: documents,
    tableName: environment.stateTableName,
    historyTtlDays: environment.historyTtlDays,
    // A quiet period reads each member once: its reachability comes with its pairs.
    readAlongside: accountStatus.readAlongside,
  });
  const region = topicRegion(environment.alertTopicArn);
  const snsClient = new SNSClient({ region });
  const notifier = createSnsNotifier({ client: snsClient, topicArn: environment.alertTopicArn });
  const verifier = createConverseVerifier(createRuntimeClientCache({ requestTimeoutMs: 10_000 }));
  // The hub's own clients check the hub and list the catalog: one ListFoundationModels per
  // region and period.
  const hubClientForRegion = createBedrockClientCache({ requestTimeoutMs: 10_000, maxAttempts: 5 });
  const catalog = createBedrockCatalogSource({
    clientForRegion: hubClientForRegion,
    concurrency: 4,
  });
  const publisher = createAccountEventPublisher(() => snsClient, environment.alertTopicArn);
  let setup:
    | Promise<{
        config: WatchedConfig;
        hubAccount: string;
        credentials: ReturnType<typeof createMemberCredentials>;
        availabilityFor: ReturnType<typeof createMemberAvailability>;
      }>
    | undefined;

  return async (event, context) => {
    setup ??= (async () => {
      const config = await loadLambdaConfig(environment.watchedModelsFile);
      if (config.accounts === undefined) {
        throw new EnvironmentError(
          'The worker runs only in organization mode, but the config has no "accounts".',
        );
      }
      const { partition, account: hubAccount } = functionArnParts(context.invokedFunctionArn);
      const credentials = createMemberCredentials({
        sts,
        partition,
        roleName: config.accounts.roleName,
        externalId: config.accounts.externalId,
        hubAccount,
      });
      const availabilityFor = createMemberAvailability({
        credentials,
        hubAccount,
        requestTimeoutMs: 10_000,
        maxAttempts: 5,
        concurrencyPerRegion: 4,
        hubClientForRegion,
      });
      return { config, hubAccount, credentials, availabilityFor };
    })();
    let ready: Awaited<typeof setup>;
    try {
      ready = await setup;
    } catch (error) {
      setup = undefined;
      log.error('Work batch failed: the config or the environment cannot be used', {
        error: describeError(error),
      });
      throw error;
    }
    const budget = runBudget(context.getRemainingTimeInMillis(), Date.now());
    const nowMs = now().getTime();
    const defects: unknown[] = [];
    const failures: string[] = [];
    const counts = { checked: 0, stale: 0, unreachable: 0, failed: 0 };
    const totals: Totals = { checkFailures: 0, transitions: 0, notifications: 0 };

    await Promise.all(
      event.Records.map(async (record) => {
        let result: MemberCheckResult;
        try {
          const message = parseWorkMessage(record.body);
          result = await checkMember(
            {
              config: ready.config,
              credentials: ready.credentials,
              availabilityFor: ready.availabilityFor,
              store,
              notifier,
              ...(eventBus === undefined ? {} : { eventBus }),
              verifier,
              catalog,
              hubAccount: ready.hubAccount,
              reachability: { store: accountStatus, publisher, log },
              schedulePeriodMs,
              ...budget,
              log,
            },
            message,
            nowMs,
          );
          report(log, totals, message.account, result);
        } catch (error) {
          failures.push(record.messageId);
          counts.failed += 1;
          if (error instanceof WorkMessageError) {
            log.error('Dropped an unreadable work message', {
              messageId: record.messageId,
              error: error.message,
            });
          } else if (
            error instanceof BedrockAccessMonitorError &&
            !(error instanceof DefectError)
          ) {
            log.error('A work message failed; SQS delivers it again', {
              messageId: record.messageId,
              error: describeError(error),
            });
          } else {
            defects.push(error);
          }
          return;
        }
        counts[result.outcome] += 1;
        if (result.outcome === 'unreachable' || result.outcome === 'failed') {
          failures.push(record.messageId);
        }
      }),
    );

    // As in single-account mode, a quiet batch sends no metric at all (run-telemetry.ts).
    const sent = (
      [
        [METRIC.checkFailures, totals.checkFailures],
        [METRIC.transitions, totals.transitions],
        [METRIC.notifications, totals.notifications],
        [WORKER_METRIC.unreachableAccounts, counts.unreachable],
        [WORKER_METRIC.staleMessages, counts.stale],
      ] as const
    ).filter(([, count]) => count > 0);
    for (const [name, count] of sent) metrics.addMetric(name, 'Count', count);
    if (sent.length > 0) metrics.publishStoredMetrics();
    log.info('Work batch summary', { messages: event.Records.length, ...counts });
    if (defects.length > 0) {
      log.error('Work batch failed: a programming error (a bug, not an AWS failure)', {
        defects: defects.map(describeError),
        stack: (defects[0] as Error | undefined)?.stack,
      });
      throw defects[0];
    }
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

interface Totals {
  checkFailures: number;
  transitions: number;
  notifications: number;
}

function report(log: MonitorLog, totals: Totals, account: string, result: MemberCheckResult) {
  if (result.outcome === 'checked' || (result.outcome === 'unreachable' && result.summary)) {
    const summary = result.summary as NonNullable<typeof result.summary>;
    log.info('Run summary', summaryLogFields(summary));
    totals.checkFailures += summary.failures.length;
    totals.transitions += summary.transitions.length;
    totals.notifications += summary.notifications.published;
  }
  switch (result.outcome) {
    case 'stale':
      log.info('Skipped a stale work message: the next period supersedes it', {
        account,
        ageMs: result.ageMs,
      });
      return;
    case 'failed':
      log.warn('The member role could not be assumed this time; SQS delivers the message again', {
        account,
        reason: result.reason,
      });
      return;
    case 'unreachable':
      log.warn('Account unreachable: its grants could not be checked', {
        account,
        reason: result.reason,
      });
      return;
    case 'checked':
      return;
  }
}
