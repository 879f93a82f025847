/**
 * The reachability item of a member account (organization/reachability.ts), as the state table
 * holds it: beside the account's pairs in its partition, under the sort key `REACHABILITY`,
 * which sorts between the history items and the state items, so the Query that reads the
 * pairs can read it too (dynamodb-state-store.ts, `readAlongside`).
 */
import type { AccountStatus } from '../organization/reachability.ts';
import { accountStatusSchema, asAccountStatus } from './account-status-schema.ts';
import {
  accountPartitionKey,
  describeWrongShape,
  ITEM_VERSION,
  type ItemKey,
  type ItemReading,
  STATE_SORT_KEY_PREFIX,
} from './dynamodb-items.ts';
import { describeInvalidRecord } from './pair-record-schema.ts';

export const REACHABILITY_SORT_KEY = 'REACHABILITY';
// The one Query of a member's run reads the range [REACHABILITY, STATE#...]: nothing else may
// sort between them, and history items sort before.
if (!(REACHABILITY_SORT_KEY < STATE_SORT_KEY_PREFIX)) {
  throw new Error('REACHABILITY must sort before the state items');
}

export function reachabilityItemKey(account: string): ItemKey {
  return { pk: accountPartitionKey(account), sk: REACHABILITY_SORT_KEY };
}

export function toAccountStatusItem(record: AccountStatus): Record<string, unknown> {
  return {
    ...reachabilityItemKey(record.account),
    itemType: 'reachability',
    itemVersion: ITEM_VERSION,
    ...record,
    // A map keyed by eventId, like a pair's, so one delivered entry can be removed by itself.
    outbox: Object.fromEntries(record.outbox.map((entry) => [entry.event.eventId, entry])),
  };
}

export function readAccountStatusItem(item: Record<string, unknown>): ItemReading<AccountStatus> {
  const wrongShape = describeWrongShape(item, 'reachability');
  if (wrongShape !== undefined) return { ok: false, reason: wrongShape };
  const outbox = item.outbox;
  if (typeof outbox !== 'object' || outbox === null || Array.isArray(outbox)) {
    return { ok: false, reason: 'outbox: expected a map keyed by eventId' };
  }
  const { pk, sk, itemType: _type, itemVersion: _version, ...fields } = item;
  const entries = Object.entries(outbox);
  const parsed = accountStatusSchema.safeParse({ ...fields, outbox: entries.map(([, e]) => e) });
  if (!parsed.success) return { ok: false, reason: describeInvalidRecord(parsed.error.issues) };
  const misfiled = entries.find(([id], index) => parsed.data.outbox[index]?.event.eventId !== id);
  if (misfiled !== undefined) {
    return { ok: false, reason: `outbox.${misfiled[0]}: the entry's eventId is not its key` };
  }
  const key = reachabilityItemKey(parsed.data.account);
  if (pk !== key.pk || sk !== key.sk) {
    return {
      ok: false,
      reason: `its key does not match its fields (they make pk=${key.pk} sk=${key.sk})`,
    };
  }
  return { ok: true, value: asAccountStatus(parsed.data) };
}
