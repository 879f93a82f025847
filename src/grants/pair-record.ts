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
  /** Claimed transitions not yet delivered (history written, notification published). */
  outbox: OutboxEntry[];
}

export interface OutboxEntry {
  event: TransitionEvent;
  /** Whether the event's kind is one the config publishes; history is written either way. */
  publish: boolean;
  /** When a run last claimed the delivery; an old claim means that run died or failed. */
  claimedAt: string;
}

export interface PendingRevocation {
  count: number;
  state: GrantState;
  firstObservedAt: string;
}

/** The key of a pair inside one account. */
export function pairKey(pair: { region: string; modelId: string }): string {
  return `${pair.region}#${pair.modelId}`;
}
