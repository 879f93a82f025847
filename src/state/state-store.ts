import type { PairRecord } from '../grants/pair-record.ts';
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

/**
 * Where grant states live: a local file for the CLI, DynamoDB for the Lambda.
 * Every write of a pair is conditional on its version, so of overlapping runs only one wins.
 */
export interface StateStore {
  /** Every stored pair of the account, in one read. */
  load(account: string): Promise<LoadedState>;
  /**
   * Writes `next` if the stored version is still `expectedVersion` (0: not stored yet).
   * Resolves false when another run got there first; the caller then does nothing more.
   */
  put(next: PairRecord, expectedVersion: number): Promise<boolean>;
  /** Records a transition in the history; idempotent by eventId. */
  appendHistory(event: TransitionEvent): Promise<void>;
  /** Drops a delivered event from the pair's outbox and bumps its version. */
  removeFromOutbox(
    pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
    eventId: string,
  ): Promise<void>;
  /** Transitions, oldest first. */
  history(query: HistoryQuery): Promise<TransitionEvent[]>;
  /** Makes this run's writes durable where they are buffered (the file store). */
  flush(): Promise<void>;
}
