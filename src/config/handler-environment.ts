import { EnvironmentError } from '../errors.ts';

/** The Lambda's settings, from its environment (DESIGN.md, "Lambda handler"). */
export interface HandlerEnvironment {
  stateTableName: string;
  alertTopicArn: string;
  /** A config file that replaces the bundled one. */
  watchedModelsFile: string | undefined;
  /** Days a history item is kept before DynamoDB's TTL removes it. */
  historyTtlDays: number;
  /**
   * The EventBridge bus every announced event also goes to (a name, `default`, or an ARN);
   * undefined when EVENT_BUS_NAME is unset or empty: SNS only.
   */
  eventBusName: string | undefined;
  /**
   * Organization mode only (the stack sets it when the packaged config has `accounts`): the
   * work queue the planner fills.
   */
  workQueueUrl: string | undefined;
  /**
   * Organization mode only: the schedule's period in whole milliseconds; the worker skips a
   * work message older than this.
   */
  schedulePeriodMs: number | undefined;
}

// A bus name as EventBridge allows it ([/\.\-_A-Za-z0-9]+, 1 to 256), or an event bus ARN.
const EVENT_BUS =
  /^([/.\-_A-Za-z0-9]{1,256}|arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[/.\-_A-Za-z0-9]{1,256})$/;

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const QUEUE_URL = /^https?:\/\/\S+\/\d{12}\/[A-Za-z0-9_-]{1,80}$/;

/** Reads and checks the handler's environment; every problem is named at once. */
export function readHandlerEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerEnvironment {
  const problems: string[] = [];
  const stateTableName = env.STATE_TABLE_NAME ?? '';
  const alertTopicArn = env.ALERT_TOPIC_ARN ?? '';
  if (!TABLE_NAME.test(stateTableName)) {
    problems.push(
      `STATE_TABLE_NAME must name a DynamoDB table, got ${JSON.stringify(env.STATE_TABLE_NAME ?? null)}`,
    );
  }
  if (!TOPIC_ARN.test(alertTopicArn)) {
    problems.push(
      `ALERT_TOPIC_ARN must be an SNS topic ARN, got ${JSON.stringify(env.ALERT_TOPIC_ARN ?? null)}`,
    );
  }
  const ttl =
    env.HISTORY_TTL_DAYS === undefined || env.HISTORY_TTL_DAYS === ''
      ? 90
      : Number(env.HISTORY_TTL_DAYS);
  if (!Number.isInteger(ttl) || ttl < 1) {
    problems.push(
      `HISTORY_TTL_DAYS must be a whole number of days >= 1, got ${JSON.stringify(env.HISTORY_TTL_DAYS)}`,
    );
  }
  const eventBusName = env.EVENT_BUS_NAME || undefined;
  if (eventBusName !== undefined && !EVENT_BUS.test(eventBusName)) {
    problems.push(
      `EVENT_BUS_NAME must be an EventBridge bus name (default for the account's default bus) or ARN, or empty for none, got ${JSON.stringify(eventBusName)}`,
    );
  }
  const workQueueUrl = env.WORK_QUEUE_URL || undefined;
  if (workQueueUrl !== undefined && !QUEUE_URL.test(workQueueUrl)) {
    problems.push(`WORK_QUEUE_URL must be an SQS queue URL, got ${JSON.stringify(workQueueUrl)}`);
  }
  const period = env.SCHEDULE_PERIOD_MS ? Number(env.SCHEDULE_PERIOD_MS) : undefined;
  if (period !== undefined && (!Number.isInteger(period) || period < 60_000)) {
    problems.push(
      `SCHEDULE_PERIOD_MS must be a whole number of milliseconds >= 60000, got ${JSON.stringify(env.SCHEDULE_PERIOD_MS)}`,
    );
  }
  if (problems.length > 0) {
    throw new EnvironmentError(`The function's environment is not usable: ${problems.join('; ')}.`);
  }
  return {
    stateTableName,
    alertTopicArn,
    watchedModelsFile: env.WATCHED_MODELS_FILE || undefined,
    historyTtlDays: ttl,
    eventBusName,
    workQueueUrl,
    schedulePeriodMs: period,
  };
}

/** The region of an SNS topic ARN: the SNS client must be created there. */
export function topicRegion(topicArn: string): string {
  return topicArn.split(':')[3] as string;
}
