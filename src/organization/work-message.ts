/**
 * The work message, one per member account and period (DESIGN.md, "Organization mode"):
 * `{ schema, account, accountName, scheduledAt }`, the planner's SQS message body.
 */
import { WorkMessageError } from '../errors.ts';

export const WORK_MESSAGE_SCHEMA = 'bedrock-access-monitor/check-account/v1';

export interface WorkMessage {
  schema: typeof WORK_MESSAGE_SCHEMA;
  account: string;
  /** The account's name in AWS Organizations; null for a fixed list of ids. */
  accountName: string | null;
  /** The planner's scheduled time, ISO-8601 UTC: the instant the member's checks observe at. */
  scheduledAt: string;
}

/** A member account as the planner found it. */
export interface MemberAccount {
  id: string;
  name: string | null;
}

export function workMessageBody(account: MemberAccount, scheduledAt: Date): string {
  const message: WorkMessage = {
    schema: WORK_MESSAGE_SCHEMA,
    account: account.id,
    accountName: account.name,
    scheduledAt: scheduledAt.toISOString(),
  };
  return JSON.stringify(message);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** The message in `body`; a WorkMessageError says what is wrong with it. */
export function parseWorkMessage(body: string): WorkMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new WorkMessageError('The work message is not JSON.', { cause: error });
  }
  const message = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const problems: string[] = [];
  if (message.schema !== WORK_MESSAGE_SCHEMA) {
    problems.push(
      `schema is ${JSON.stringify(message.schema ?? null)}, not "${WORK_MESSAGE_SCHEMA}"`,
    );
  }
  if (typeof message.account !== 'string' || !/^\d{12}$/.test(message.account)) {
    problems.push(`account ${JSON.stringify(message.account ?? null)} is not 12 digits`);
  }
  if (message.accountName !== null && typeof message.accountName !== 'string') {
    problems.push('accountName is neither a string nor null');
  }
  const at = message.scheduledAt;
  if (typeof at !== 'string' || !ISO_INSTANT.test(at) || Number.isNaN(Date.parse(at))) {
    problems.push(`scheduledAt ${JSON.stringify(at ?? null)} is not an ISO-8601 UTC instant`);
  }
  if (problems.length > 0) {
    throw new WorkMessageError(`The work message cannot be read: ${problems.join('; ')}.`);
  }
  return {
    schema: WORK_MESSAGE_SCHEMA,
    account: message.account as string,
    accountName: message.accountName as string | null,
    scheduledAt: new Date(Date.parse(at as string)).toISOString(),
  };
}
