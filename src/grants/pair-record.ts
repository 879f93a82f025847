import type { GrantState, RawAvailability, TransitionEvent } from './types.ts';

/** What the monitor remembers about one (account, region, model). */
export interface PairRecord {
  account: string;
  region: string;
  modelId: string;
  state: GrantState;
  /** When this state was first observed (ISO-8601 UTC). */
  since: string;
  raw: RawAvailability;
  /** The message of the 404 that made the model NOT_OFFERED, if that was the reason. */
  notFound: string | null;
  /** Non-ENABLED answers seen while ENABLED, not yet enough to confirm a revocation. */
  pendingRevocation: PendingRevocation | null;
  /** Incremented on every write: the condition that lets only one overlapping run win. */
  version: number;
  /** Claimed events not yet delivered (history written, notification published): outbox.ts. */
  outbox: OutboxEntry[];
}

export interface OutboxEntry {
  event: TransitionEvent;
  /** When a run last claimed the delivery; an old claim means that run died or failed. */
  claimedAt: string;
  /**
   * Which run holds the claim: a token drawn by each run. Overlapping runs of one schedule tick
   * claim at the same instant, so the time alone cannot tell them apart. Absent in items
   * written before claims carried a token; such a claim is taken over once its lease lapses.
   */
  claimToken?: string;
}

export interface PendingRevocation {
  count: number;
  state: GrantState;
  firstObservedAt: string;
  /**
   * The observation counted last. A second run of the same schedule tick (a duplicate or a
   * retried invocation) observes at the same instant and must not count again. Absent in
   * items written before it was kept.
   */
  lastObservedAt?: string;
}

/** The key of a pair inside one account. */
export function pairKey(pair: { region: string; modelId: string }): string {
  return `${pair.region}#${pair.modelId}`;
}
