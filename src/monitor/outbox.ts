/**
 * Exactly-once delivery, decided here and nowhere else (DESIGN.md, invariants 1 and 2).
 *
 * An event is announced in two steps. `claimWrite` adds it to its pair's outbox in the same
 * conditional write that stores the new state, under this run's claim token: of overlapping
 * runs only the one whose write lands owns it. `deliverClaimed` then, for each event the run
 * owns: makes the opt-in verification call (billed, so only the owner makes it) and keeps its
 * result on the entry, writes the history (grant transitions), publishes to each target (SNS,
 * and EventBridge when a bus is set), and removes the entry. Each target is tracked apart
 * (owed-targets.ts, shared with the member accounts' outbox): a target that accepted the event
 * is recorded on the entry, so a later run sends it only to the targets still owed. An entry whose delivery failed stays in the outbox under its claim;
 * once the claim's lease has lapsed the next run that writes the pair takes it over and
 * delivers it.
 *
 * Any kind of event (AnnouncedEvent) rides the same way: the decisions put it in the pair's
 * outbox, and delivery does not care what it is about.
 */
import { randomUUID } from 'node:crypto';
import { type AnnouncedEvent, isTransitionEvent } from '../events/announced-event.ts';
import type { EventKind } from '../events/event-kinds.ts';
import type { OutboxEntry, PairRecord } from '../grants/pair-record.ts';
import type { TransitionEvent, VerificationResult } from '../grants/types.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { StateStore } from '../state/state-store.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import type { MonitorLog } from './monitor-log.ts';
import { deliveryChannels, publishToOwedTargets, settleDelivery } from './owed-targets.ts';

/** Who claims: one run, at one observation instant. */
export interface Claimant {
  /** Drawn once per run (newClaimToken). */
  token: string;
  /** The run's observation instant (ISO-8601); the claim's time. */
  observedAt: string;
  /** Claims made before this instant (ISO-8601) have lapsed: their run died or failed. */
  leaseCutoff: string;
}

/**
 * What a claim needs of a stored record: a version to write over, and an outbox of events. A
 * pair is one; so is a member account's reachability (organization/reachability.ts).
 */
export interface Claimable<E extends { eventId: string }> {
  version: number;
  outbox: Array<{ event: E; claimedAt: string; claimToken?: string }>;
}

/** The events a record's outbox holds. */
type EventOf<R extends Claimable<{ eventId: string }>> = R['outbox'][number]['event'];

/** One conditional write of a record and the events it gives this run to deliver. */
export interface ClaimOf<R> {
  record: R;
  /** The version the write expects to replace; 0 for a record not stored yet. */
  expectedVersion: number;
  /** The eventIds this write claims: the new event's, and those of lapsed claims. */
  owned: string[];
}

/** One conditional write of a pair and the events it gives this run to deliver. */
export type Claim = ClaimOf<PairRecord>;

export function newClaimToken(): string {
  return randomUUID();
}

/** The lease cutoff of a run observing at `observedAt` whose claims last `leaseMs`. */
export function leaseCutoff(observedAt: Date, leaseMs: number): string {
  if (!Number.isInteger(leaseMs) || leaseMs < 0) {
    throw new RangeError(`a claim lease is a whole number of milliseconds >= 0, got ${leaseMs}`);
  }
  return new Date(observedAt.getTime() - leaseMs).toISOString();
}

/**
 * What the decisions of one run say about one pair: the record to store (absent: nothing
 * changed; when present its version is already the next one) and the events to announce.
 */
export interface PairDecision {
  next?: PairRecord;
  event?: AnnouncedEvent;
  /** More events of the same write, after `event`. */
  events?: readonly AnnouncedEvent[];
}

/**
 * The write for one pair, or undefined when there is nothing to write: the decided record
 * with the new events added to its outbox, and every lapsed claim taken over. A pair whose
 * record did not change is written only to take over a lapsed claim.
 */
export function claimWrite<R extends Claimable<{ eventId: string }>>(
  previous: R | undefined,
  decision: { next?: R; event?: EventOf<R>; events?: readonly EventOf<R>[] },
  claimant: Claimant,
): ClaimOf<R> | undefined {
  const base = decision.next ?? previous;
  if (base === undefined) return undefined;
  const claimed = { claimedAt: claimant.observedAt, claimToken: claimant.token };
  const owned: string[] = [];
  const outbox = base.outbox.map((entry) => {
    if (entry.claimedAt >= claimant.leaseCutoff) return entry;
    owned.push(entry.event.eventId);
    return { ...entry, ...claimed };
  });
  const events = [
    ...(decision.event === undefined ? [] : [decision.event]),
    ...(decision.events ?? []),
  ];
  for (const event of events) {
    // Already in the outbox (an entry of a lapsed claim, just taken over): owned once.
    if (outbox.some((entry) => entry.event.eventId === event.eventId)) continue;
    outbox.push({ event, ...claimed });
    owned.push(event.eventId);
  }
  if (decision.next === undefined && owned.length === 0) return undefined;
  const version = decision.next === undefined ? base.version + 1 : base.version;
  const record: R = { ...base, outbox, version };
  return { record, expectedVersion: previous?.version ?? 0, owned };
}

export interface DeliveryDeps {
  store: StateStore;
  /** The SNS topic (the console in the CLI). */
  notifier: Notifier;
  /** The EventBridge bus, when one is set; none: events go to `notifier` only. */
  eventBus?: Notifier;
  /** Kinds that are published; the others are only written to the history. */
  notify: ReadonlySet<EventKind>;
  /** What to invoke to verify a model, or undefined when it is not verified. */
  verificationTarget(modelId: string): string | undefined;
  /** Makes the verification calls; none: nothing is verified. */
  verifier?: Verifier;
  /** Epoch milliseconds: a verification call that cannot start by then waits for the next run. */
  deadline: number;
  log?: MonitorLog;
}

export interface DeliveryReport {
  /** Events a target accepted, counted once per target. */
  published: number;
  /** Publishes that failed, once per target; their events wait in the outbox for it. */
  failed: number;
  /** Events left for the next run: their verification could not start before the deadline. */
  deferred: number;
  /** Claims another run took over while this one verified (its lease had lapsed). */
  lost: number;
  /** Events as this run verified them (verification added, maybe `blocked`), by eventId. */
  verified: Map<string, AnnouncedEvent>;
  /** Defects met while verifying: the run fails once everything else is saved. */
  defects: unknown[];
}

// A verification call is not started with less than this left: it would only time out.
const MIN_VERIFICATION_MS = 1_000;

/** Delivers every event the landed claims own, pair by pair, in outbox order. */
export async function deliverClaimed(
  claims: readonly Claim[],
  deps: DeliveryDeps,
): Promise<DeliveryReport> {
  const report: DeliveryReport = {
    published: 0,
    failed: 0,
    deferred: 0,
    lost: 0,
    verified: new Map(),
    defects: [],
  };
  for (const claim of claims) {
    for (const entry of claim.record.outbox) {
      if (claim.owned.includes(entry.event.eventId)) {
        await deliverOne(claim.record, entry, deps, report);
      }
    }
  }
  return report;
}

async function deliverOne(
  pair: PairRecord,
  entry: OutboxEntry,
  deps: DeliveryDeps,
  report: DeliveryReport,
): Promise<void> {
  let current = entry;
  const event = current.event;
  const via = isTransitionEvent(event) ? verificationPending(event, deps) : undefined;
  if (isTransitionEvent(event) && via !== undefined) {
    if (Math.floor(deps.deadline - Date.now()) < MIN_VERIFICATION_MS) {
      report.deferred += 1;
      return;
    }
    let result: VerificationResult;
    try {
      result = await (deps.verifier as Verifier).verify(
        { region: event.region, via },
        deps.deadline,
      );
    } catch (defect) {
      report.defects.push(defect);
      return;
    }
    current = { ...current, event: withVerification(event, result) };
    report.verified.set(event.eventId, current.event);
    // Kept on the entry, so a publish that fails now is retried without a second billed call.
    if (!(await deps.store.updateOutboxEntry(pair, current))) {
      report.lost += 1;
      return;
    }
  }
  if (isTransitionEvent(current.event)) await deps.store.appendHistory(current.event);
  const targets = deps.notify.has(current.event.kind)
    ? deliveryChannels(deps.notifier, deps.eventBus)
    : [];
  const outcome = await publishToOwedTargets(current.event, current.delivered, targets, deps.log);
  report.published += outcome.accepted.length;
  report.failed += outcome.failed.length;
  report.defects.push(...outcome.defects);
  const settled = await settleDelivery(current, outcome, {
    update: (updated) => deps.store.updateOutboxEntry(pair, updated),
    remove: () => deps.store.removeFromOutbox(pair, current.event.eventId),
  });
  if (settled === 'lost') report.lost += 1;
}

/** The id or profile to invoke before announcing `event`, or undefined when none is owed. */
function verificationPending(event: TransitionEvent, deps: DeliveryDeps): string | undefined {
  if (event.kind !== 'ready' || event.verification !== undefined) return undefined;
  if (deps.verifier === undefined) return undefined;
  return deps.verificationTarget(event.modelId);
}

/**
 * A `ready` event with the verification call's result. A failure with a lasting cause makes
 * it `blocked`: Bedrock says ENABLED, yet the model cannot be invoked. A transient failure
 * keeps `ready`, with the failure shown, so no access change is hidden.
 */
export function withVerification(
  event: TransitionEvent,
  verification: VerificationResult,
): TransitionEvent {
  const kind = !verification.ok && verification.lasting ? 'blocked' : event.kind;
  return { ...event, kind, verification };
}
