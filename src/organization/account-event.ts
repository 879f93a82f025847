/**
 * The `account-unreachable` and `account-reachable` events (DESIGN.md, "Organization mode"):
 * a member account whose role cannot be assumed, or whose every check is denied, for
 * `confirmRevocation` periods in a row; and the first period it is reachable again.
 */
import { deterministicEventId } from '../events/event-id.ts';

export const ACCOUNT_EVENT_SCHEMA = 'bedrock-access-monitor/account/v1';
export const ACCOUNT_EVENT_KINDS = ['account-unreachable', 'account-reachable'] as const;
export type AccountEventKind = (typeof ACCOUNT_EVENT_KINDS)[number];

export interface AccountEvent {
  schema: typeof ACCOUNT_EVENT_SCHEMA;
  eventId: string;
  kind: AccountEventKind;
  /** The 12-digit account id, as a string. */
  account: string;
  /** Its name in AWS Organizations; null for a fixed list of ids. */
  accountName: string | null;
  /** The period that confirmed the change (ISO-8601 UTC). */
  observedAt: string;
  /** Since when the account was unreachable (unreachable: the first period of the streak). */
  since: string;
  /** Why it could not be checked; for account-reachable, why it could not be before. */
  reason: string;
}

export function accountEvent(fields: Omit<AccountEvent, 'schema' | 'eventId'>): AccountEvent {
  return {
    schema: ACCOUNT_EVENT_SCHEMA,
    eventId: deterministicEventId(['account', fields.account, fields.kind, fields.observedAt]),
    ...fields,
  };
}
