import { createHash } from 'node:crypto';
import type { PairRecord } from './pair-record.ts';
import { classifyTransition } from './transition-kind.ts';
import {
  type GrantState,
  type RawAvailability,
  TRANSITION_EVENT_SCHEMA,
  type TransitionEvent,
} from './types.ts';

export interface ObservedState {
  account: string;
  region: string;
  modelId: string;
  state: GrantState;
  raw: RawAvailability;
  notFound: string | null;
  observedAt: string;
}

/**
 * What one observation changes: the record to store (absent: nothing to store) and, for a
 * confirmed change of state, the transition event. Announcing it is the outbox's job.
 */
export interface Decision {
  next?: PairRecord;
  event?: TransitionEvent;
}

/**
 * Compares one observation with what is stored (DESIGN.md's transition rules): a first
 * sighting is a baseline, a revocation waits for `confirmRevocation` observations of the
 * pair not ENABLED, and an observation already counted (same instant) changes nothing.
 */
export function decideNext(
  previous: PairRecord | undefined,
  observed: ObservedState,
  confirmRevocation: number,
): Decision {
  if (previous === undefined) return { next: baselineRecord(observed) };
  if (observed.state === previous.state) {
    if (previous.pendingRevocation === null) return {};
    return { next: bump(previous, { pendingRevocation: null }) };
  }
  if (previous.state !== 'ENABLED') return transition(previous, observed, observed.observedAt);

  const pending = previous.pendingRevocation;
  if (pending !== null && pending.lastObservedAt === observed.observedAt) return {};
  const count = (pending?.count ?? 0) + 1;
  const firstObservedAt = pending?.firstObservedAt ?? observed.observedAt;
  if (count >= confirmRevocation) return transition(previous, observed, firstObservedAt);
  const pendingRevocation = {
    count,
    state: observed.state,
    firstObservedAt,
    lastObservedAt: observed.observedAt,
  };
  return { next: bump(previous, { pendingRevocation }) };
}

function transition(previous: PairRecord, observed: ObservedState, since: string): Decision {
  const version = previous.version + 1;
  const event: TransitionEvent = {
    schema: TRANSITION_EVENT_SCHEMA,
    eventId: transitionEventId(observed, version),
    kind: classifyTransition(previous.state, observed.state),
    account: observed.account,
    modelId: observed.modelId,
    region: observed.region,
    from: previous.state,
    to: observed.state,
    observedAt: observed.observedAt,
    previousSince: previous.since,
    raw: observed.raw,
  };
  const next: PairRecord = {
    ...previous,
    state: observed.state,
    since,
    raw: observed.raw,
    notFound: observed.notFound,
    pendingRevocation: null,
    version,
  };
  return { next, event };
}

function baselineRecord(observed: ObservedState): PairRecord {
  return {
    account: observed.account,
    region: observed.region,
    modelId: observed.modelId,
    state: observed.state,
    since: observed.observedAt,
    raw: observed.raw,
    notFound: observed.notFound,
    pendingRevocation: null,
    version: 1,
    outbox: [],
  };
}

function bump(previous: PairRecord, change: Partial<PairRecord>): PairRecord {
  return { ...previous, ...change, version: previous.version + 1 };
}

/**
 * Same inputs, same id: overlapping runs that compute the same transition name it alike,
 * so a subscriber can deduplicate on eventId as well.
 */
function transitionEventId(observed: ObservedState, version: number): string {
  const parts = [observed.account, observed.region, observed.modelId, version, observed.state];
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
