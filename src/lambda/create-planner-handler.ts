import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SQSClient } from '@aws-sdk/client-sqs';
import { organizationsRegion } from '../aws/organizations-region.ts';
import type { HandlerEnvironment } from '../config/handler-environment.ts';
import type { WatchedConfig } from '../config/watched-config.ts';
import { describeError, EnvironmentError } from '../errors.ts';
import type { MonitorLog } from '../monitor/monitor-log.ts';
import type { EnqueueOptions } from '../organization/enqueue-work.ts';
import { type PlanSummary, planRun } from '../organization/plan-run.ts';
import { scheduledTime } from './scheduled-time.ts';

export interface PlannerHandlerOptions {
  environment: HandlerEnvironment & { workQueueUrl: string };
  /**
   * Reads the config (bundled-config.ts's loadLambdaConfig): passed in, so that this lazily
   * loaded chunk does not share the bundled config with the handler's entry.
   */
  loadConfig: () => Promise<WatchedConfig>;
  log: MonitorLog & { error(message: string, fields?: Record<string, unknown>): void };
  now?: () => Date;
  /** Default: one client, created on first use, in the partition's Organizations region. */
  organizations?: () => OrganizationsClient;
  /** Default: one client in the function's region. */
  sqs?: SQSClient;
  enqueue?: EnqueueOptions;
}

export type PlannerHandler = (event: unknown) => Promise<PlanSummary>;

/**
 * The scheduled handler in organization mode: lists the member accounts and puts one work
 * message per account on the queue. The clients are created once per container; the config is
 * read on the first invocation, as in single-account mode.
 */
export function createPlannerHandler({
  environment,
  loadConfig,
  log,
  now = () => new Date(),
  organizations,
  sqs = new SQSClient({ maxAttempts: 5 }),
  enqueue,
}: PlannerHandlerOptions): PlannerHandler {
  let organizationsClient: OrganizationsClient | undefined;
  const listClient =
    organizations ??
    (() => {
      organizationsClient ??= new OrganizationsClient({
        region: organizationsRegion(),
        retryMode: 'adaptive',
        maxAttempts: 8,
      });
      return organizationsClient;
    });
  let config: Promise<WatchedConfig> | undefined;
  return async (event) => {
    try {
      config ??= loadConfig();
      const { accounts } = await config;
      if (accounts === undefined) {
        throw new EnvironmentError(
          'WORK_QUEUE_URL is set (organization mode) but the config has no "accounts"; deploy the config with "accounts", or without the queue.',
        );
      }
      const summary = await planRun(
        {
          accounts,
          organizations: listClient,
          sqs,
          queueUrl: environment.workQueueUrl,
          log,
          ...(enqueue === undefined ? {} : { enqueue }),
        },
        scheduledTime(event, now()),
      );
      log.info('Plan summary', { ...summary });
      return summary;
    } catch (error) {
      config = undefined;
      log.error('Planning run failed: some accounts are not checked this period', {
        error: describeError(error),
        ...(error instanceof TypeError || error instanceof RangeError
          ? { stack: error.stack }
          : {}),
      });
      throw error;
    }
  };
}
