import type { PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { PairRecord } from '../grants/pair-record.ts';
import type { TransitionEvent } from '../grants/types.ts';
import { STATE_TABLE_TTL_ATTRIBUTE } from './dynamodb-table.ts';
import {
  describeInvalidRecord,
  pairRecordSchema,
  transitionEventSchema,
} from './pair-record-schema.ts';

/**
 * Items of the state table and their keys. One partition per account holds its state items
 * (one per region and model) and its history items, so one Query reads a whole account.
 */

/** The shape version of the items this code writes and reads; an item of another is skipped. */
export const ITEM_VERSION = 1;

export const STATE_SORT_KEY_PREFIX = 'STATE#';
export const HISTORY_SORT_KEY_PREFIX = 'HISTORY#';
/** '~' sorts after every character of an ISO-8601 timestamp: the upper end of the history range. */
export const HISTORY_SORT_KEY_END = `${HISTORY_SORT_KEY_PREFIX}~`;

export interface ItemKey {
  pk: string;
  sk: string;
}

/** An item read back: the value it holds, or why it cannot be used. */
export type ItemReading<T> = { ok: true; value: T } | { ok: false; reason: string };

export function accountPartitionKey(account: string): string {
  return `ACCOUNT#${account}`;
}

export function stateItemKey(pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>): ItemKey {
  return {
    pk: accountPartitionKey(pair.account),
    sk: `${STATE_SORT_KEY_PREFIX}${pair.region}#${pair.modelId}`,
  };
}

/** Deterministic, so writing the same event twice writes the same item. */
export function historyItemKey(
  event: Pick<TransitionEvent, 'account' | 'observedAt' | 'eventId'>,
): ItemKey {
  return {
    pk: accountPartitionKey(event.account),
    sk: `${HISTORY_SORT_KEY_PREFIX}${event.observedAt}#${event.eventId}`,
  };
}

/** How a skipped item is named in `skipped`: enough to find it in the console. */
export function describeItemKey(item: Record<string, unknown>): string {
  return `pk=${String(item.pk)} sk=${String(item.sk)}`;
}

/** The outbox is a map keyed by eventId, so one delivered entry can be removed by itself. */
export function toStateItem(record: PairRecord): Record<string, unknown> {
  return {
    ...stateItemKey(record),
    itemType: 'state',
    itemVersion: ITEM_VERSION,
    account: record.account,
    region: record.region,
    modelId: record.modelId,
    state: record.state,
    since: record.since,
    raw: record.raw,
    notFound: record.notFound,
    pendingRevocation: record.pendingRevocation,
    version: record.version,
    outbox: Object.fromEntries(record.outbox.map((entry) => [entry.event.eventId, entry])),
    // Written only once set, so the item of a pair that never had them keeps its old shape.
    ...definedOnly({
      lifecycle: record.lifecycle,
      stuckAnnouncedSince: record.stuckAnnouncedSince,
      unknownModelAnnounced: record.unknownModelAnnounced,
      verification: record.verification,
    }),
  };
}

export function readStateItem(item: Record<string, unknown>): ItemReading<PairRecord> {
  const wrongShape = describeWrongShape(item, 'state');
  if (wrongShape !== undefined) return { ok: false, reason: wrongShape };
  const outbox = item.outbox;
  if (typeof outbox !== 'object' || outbox === null || Array.isArray(outbox)) {
    return { ok: false, reason: 'outbox: expected a map keyed by eventId' };
  }
  const entries = Object.entries(outbox);
  const parsed = pairRecordSchema.safeParse({ ...item, outbox: entries.map(([, entry]) => entry) });
  if (!parsed.success) {
    // Name outbox entries by their map key (the eventId), not by a position nobody stored.
    const issues = parsed.error.issues.map((issue) => {
      const [first, index, ...rest] = issue.path;
      if (first !== 'outbox' || typeof index !== 'number') return issue;
      return { ...issue, path: ['outbox', entries[index]?.[0] ?? index, ...rest] };
    });
    return { ok: false, reason: describeInvalidRecord(issues) };
  }
  const record = parsed.data;
  const misfiled = entries.find(([id], index) => record.outbox[index]?.event.eventId !== id);
  if (misfiled !== undefined) {
    return {
      ok: false,
      reason: `outbox.${misfiled[0]}: the entry's eventId is not its key`,
    };
  }
  const key = stateItemKey(record);
  if (item.pk !== key.pk || item.sk !== key.sk) {
    return {
      ok: false,
      reason: `its key does not match its fields (they make pk=${key.pk} sk=${key.sk})`,
    };
  }
  record.outbox.sort(
    (a, b) =>
      a.event.observedAt.localeCompare(b.event.observedAt) ||
      a.event.eventId.localeCompare(b.event.eventId),
  );
  return { ok: true, value: record };
}

export function toHistoryItem(event: TransitionEvent, ttlDays: number): Record<string, unknown> {
  return {
    ...event,
    ...historyItemKey(event),
    itemType: 'history',
    itemVersion: ITEM_VERSION,
    [STATE_TABLE_TTL_ATTRIBUTE]: Math.floor(Date.parse(event.observedAt) / 1000) + ttlDays * 86_400,
  };
}

export function readHistoryItem(item: Record<string, unknown>): ItemReading<TransitionEvent> {
  const wrongShape = describeWrongShape(item, 'history');
  if (wrongShape !== undefined) return { ok: false, reason: wrongShape };
  const parsed = transitionEventSchema.safeParse(item);
  if (!parsed.success) return { ok: false, reason: describeInvalidRecord(parsed.error.issues) };
  return { ok: true, value: parsed.data };
}

/** Why an item is not one of `itemType` in this version's shape; undefined when it is. */
export function describeWrongShape(
  item: Record<string, unknown>,
  itemType: 'state' | 'history' | 'reachability',
): string | undefined {
  const version = item.itemVersion;
  if (version === undefined) {
    return `it has no itemVersion (an older shape, or not written by this monitor); this version reads itemVersion ${ITEM_VERSION}`;
  }
  if (typeof version === 'number' && version > ITEM_VERSION) {
    return `itemVersion ${version} was written by a newer version of the monitor; this one reads itemVersion ${ITEM_VERSION}`;
  }
  if (version !== ITEM_VERSION) {
    return `itemVersion ${JSON.stringify(version)} is an older shape; this version reads itemVersion ${ITEM_VERSION}`;
  }
  if (item.itemType !== itemType) {
    return `itemType is ${JSON.stringify(item.itemType) ?? 'missing'}, expected "${itemType}"`;
  }
  return undefined;
}

function definedOnly(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * The condition of a versioned single-item write: no item yet when `expectedVersion` is 0,
 * otherwise the stored version is still the expected one (another run has not written since).
 */
export function versionCondition(
  expectedVersion: number,
): Pick<
  PutCommandInput,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> {
  return expectedVersion === 0
    ? {
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': 'pk' },
      }
    : {
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': expectedVersion },
      };
}

/** A conditional write or update whose condition did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}
