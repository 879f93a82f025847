import type { ModelLifecycle } from '../catalog/model-lifecycle.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import type { WarnedDate } from '../lifecycle/lifecycle-event.ts';
import type { GrantState, RawAvailability } from './types.ts';

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
  /**
   * The model's lifecycle in this region as last listed, with the lead times already warned
   * about (decide-lifecycle.ts). Absent or null: not listed yet.
   */
  lifecycle?: StoredLifecycle | null;
  /** The `since` of the IN_PROGRESS episode announced as `stuck` (decide-stuck.ts); null: none. */
  stuckAnnouncedSince?: string | null;
  /**
   * True while the model id, listed by no watched region, has been announced as a `config`
   * event. Kept on the pair of the model's first watched region only (announcements.ts).
   */
  unknownModelAnnounced?: boolean;
  /** Periodic verification of an ENABLED pair (periodic-verification.ts); absent: none yet. */
  verification?: VerificationRecord | null;
}

/** LifecycleRecord (src/lifecycle/decide-lifecycle.ts) without the pair's key. */
export interface StoredLifecycle {
  lifecycle: ModelLifecycle;
  warned: Record<WarnedDate, number[]>;
  version: number;
}

/** What the monitor remembers of the verification calls of an ENABLED pair. */
export interface VerificationRecord {
  /** The last call's time (ISO-8601 UTC). */
  lastAttemptAt: string;
  /** Set while the pair is `blocked`: when the first lasting failure of this episode was seen. */
  blockedSince: string | null;
  /** Failed calls in a row while blocked; drives the backoff. */
  failures: number;
}

/** Where an announced event is delivered; each is tracked apart in the outbox. */
export const DELIVERY_TARGETS = ['sns', 'eventbridge'] as const;
export type DeliveryTarget = (typeof DELIVERY_TARGETS)[number];

/** An event waiting in an outbox: a pair's, or a member account's reachability's. */
export interface OutboxEntry<E extends { eventId: string } = AnnouncedEvent> {
  event: E;
  /** When a run last claimed the delivery; an old claim means that run died or failed. */
  claimedAt: string;
  /**
   * Which run holds the claim: a token drawn by each run. Overlapping runs of one schedule tick
   * claim at the same instant, so the time alone cannot tell them apart. Absent in items
   * written before claims carried a token; such a claim is taken over once its lease lapses.
   */
  claimToken?: string;
  /** The targets that already accepted the event; absent: none yet. */
  delivered?: DeliveryTarget[];
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
