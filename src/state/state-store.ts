import type { OutboxEntry, PairRecord } from '../grants/pair-record.ts';
import type { TransitionEvent } from '../grants/types.ts';

/** A stored item the store could not read; it is left as it is and the run goes on. */
export interface SkippedItem {
  key: string;
  reason: string;
}

export interface LoadedState {
  records: PairRecord[];
  skipped: SkippedItem[];
}

export interface HistoryQuery {
  account: string;
  modelId?: string;
  region?: string;
  /** ISO-8601; only transitions observed at or after it. */
  since?: string;
}

/** One conditional write: `record` replaces the stored version `expectedVersion` (0: none). */
export interface PairWrite {
  record: PairRecord;
  expectedVersion: number;
}

/**
 * Where grant states live: a local file for the CLI, DynamoDB for the Lambda. Every write of a
 * pair is conditional on its version, so of overlapping runs only one wins, and every method
 * has made its change durable when it resolves. test/state/state-store-contract.ts holds each
 * store to this contract.
 */
export interface StateStore {
  /** Every stored pair of the account, in one read. */
  load(account: string): Promise<LoadedState>;
  /**
   * Applies each write whose pair is still at its expected version. Resolves, in the same
   * order, whether each was applied: false when another run got there first. A write that was
   * applied counts as applied even when the store's answer to it was lost and a retry of it
   * found its own result.
   */
  write(writes: readonly PairWrite[]): Promise<boolean[]>;
  /**
   * Replaces an outbox entry while the claim under which it was read still holds (same
   * eventId and claimToken). Resolves false when the entry is gone or claimed by another run.
   */
  updateOutboxEntry(
    pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
    entry: OutboxEntry,
  ): Promise<boolean>;
  /** Records a transition in the history; idempotent by eventId. */
  appendHistory(event: TransitionEvent): Promise<void>;
  /** Drops a delivered event from the pair's outbox and bumps its version. */
  removeFromOutbox(
    pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
    eventId: string,
  ): Promise<void>;
  /** Transitions, oldest first. */
  history(query: HistoryQuery): Promise<TransitionEvent[]>;
}

/** An ISO-8601 `since` as stored instants spell it (toISOString), so the two compare as text. */
export function asInstant(since: string): string {
  const time = Date.parse(since);
  return Number.isNaN(time) ? since : new Date(time).toISOString();
}

/** Whether a history event is one `query` asks for (the account, and each filter it sets). */
export function matchesHistoryQuery(event: TransitionEvent, query: HistoryQuery): boolean {
  return (
    event.account === query.account &&
    (query.modelId === undefined || event.modelId === query.modelId) &&
    (query.region === undefined || event.region === query.region) &&
    (query.since === undefined || event.observedAt >= asInstant(query.since))
  );
}
