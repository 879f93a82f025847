import { createHash } from 'node:crypto';
import type { PairRecord } from './pair-record.ts';
import { classifyTransition } from './transition-kind.ts';
import {
  type GrantState,
  type RawAvailability,
  TRANSITION_EVENT_SCHEMA,
  type TransitionEvent,
  type TransitionKind,
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

export interface DecisionRules {
  /** Consecutive non-ENABLED observations needed before ENABLED is revoked. */
  confirmRevocation: number;
  /** Transition kinds that are published; the others are only written to history. */
  notify: ReadonlySet<TransitionKind>;
}

export type Decision =
  | { type: 'unchanged' }
  /** First sighting: stored, never announced. */
  | { type: 'baseline'; next: PairRecord }
  /** Stored without a transition: a revocation awaiting confirmation, or one called off. */
  | { type: 'recorded'; next: PairRecord }
  | { type: 'transition'; next: PairRecord; event: TransitionEvent; publish: boolean };

/** Compares one observation with what is stored and says what to write and announce. */
export function decideNext(
  previous: PairRecord | undefined,
  observed: ObservedState,
  rules: DecisionRules,
): Decision {
  if (previous === undefined) {
    return { type: 'baseline', next: baselineRecord(observed) };
  }
  if (observed.state === previous.state) {
    if (previous.pendingRevocation === null) return { type: 'unchanged' };
    return { type: 'recorded', next: bump(previous, { pendingRevocation: null }) };
  }
  if (previous.state === 'ENABLED') {
    const pending = previous.pendingRevocation;
    const count = (pending?.count ?? 0) + 1;
    const firstObservedAt = pending?.firstObservedAt ?? observed.observedAt;
    if (count < rules.confirmRevocation) {
      const pendingRevocation = { count, state: observed.state, firstObservedAt };
      return { type: 'recorded', next: bump(previous, { pendingRevocation }) };
    }
    return transition(previous, observed, firstObservedAt, rules);
  }
  return transition(previous, observed, observed.observedAt, rules);
}

function transition(
  previous: PairRecord,
  observed: ObservedState,
  since: string,
  rules: DecisionRules,
): Decision {
  const kind = classifyTransition(previous.state, observed.state);
  const version = previous.version + 1;
  const event: TransitionEvent = {
    schema: TRANSITION_EVENT_SCHEMA,
    eventId: transitionEventId(observed, version),
    kind,
    account: observed.account,
    modelId: observed.modelId,
    region: observed.region,
    from: previous.state,
    to: observed.state,
    observedAt: observed.observedAt,
    previousSince: previous.since,
    raw: observed.raw,
  };
  const publish = rules.notify.has(kind);
  const next: PairRecord = {
    ...previous,
    state: observed.state,
    since,
    raw: observed.raw,
    notFound: observed.notFound,
    pendingRevocation: null,
    version,
    outbox: [...previous.outbox, { event, publish, claimedAt: observed.observedAt }],
  };
  return { type: 'transition', next, event, publish };
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
