/**
 * Exactly-once delivery, decided here and nowhere else (DESIGN.md, invariants 1 and 2).
 *
 * An event is announced in two steps. `claimWrite` adds it to its pair's outbox in the same
 * conditional write that stores the new state, under this run's claim token: of overlapping
 * runs only the one whose write lands owns it. `deliverClaimed` then, for each event the run
 * owns: makes the opt-in verification call (billed, so only the owner makes it) and keeps its
 * result on the entry, writes the history, publishes, and removes the entry. An entry whose
 * delivery failed stays in the outbox under its claim; once the claim's lease has lapsed the
 * next run that writes the pair takes it over and delivers it.
 */
import { randomUUID } from 'node:crypto';
import type { OutboxEntry, PairRecord } from '../grants/pair-record.ts';
import type { TransitionEvent, TransitionKind, VerificationResult } from '../grants/types.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { StateStore } from '../state/state-store.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import type { MonitorLog } from './monitor-log.ts';

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
 * The write for one pair, or undefined when there is nothing to write: the decided record
 * with the new event added to its outbox, and every lapsed claim taken over. A pair whose
 * state did not change is written only to take over a lapsed claim.
 */
export function claimWrite<E extends { eventId: string }, R extends Claimable<E>>(
  previous: R | undefined,
  decision: { next?: R; event?: E },
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
  if (decision.event !== undefined) {
    outbox.push({ event: decision.event, ...claimed });
    owned.push(decision.event.eventId);
  }
  if (decision.next === undefined && owned.length === 0) return undefined;
  const version = decision.next === undefined ? base.version + 1 : base.version;
  const record: R = { ...base, outbox, version };
  return { record, expectedVersion: previous?.version ?? 0, owned };
}

export interface DeliveryDeps {
  store: StateStore;
  notifier: Notifier;
  /** Kinds that are published; the others are only written to the history. */
  notify: ReadonlySet<TransitionKind>;
  /** What to invoke to verify a model, or undefined when it is not verified. */
  verificationTarget(modelId: string): string | undefined;
  /** Makes the verification calls; none: nothing is verified. */
  verifier?: Verifier;
  /** Epoch milliseconds: a verification call that cannot start by then waits for the next run. */
  deadline: number;
  log?: MonitorLog;
}

export interface DeliveryReport {
  published: number;
  /** Publishes that failed; their events wait in the outbox. */
  failed: number;
  /** Events left for the next run: their verification could not start before the deadline. */
  deferred: number;
  /** Claims another run took over while this one verified (its lease had lapsed). */
  lost: number;
  /** Events as this run verified them (verification added, maybe `blocked`), by eventId. */
  verified: Map<string, TransitionEvent>;
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
  let event = entry.event;
  const via = verificationPending(event, deps);
  if (via !== undefined) {
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
    event = withVerification(event, result);
    report.verified.set(event.eventId, event);
    // Kept on the entry, so a publish that fails now is retried without a second billed call.
    if (!(await deps.store.updateOutboxEntry(pair, { ...entry, event }))) {
      report.lost += 1;
      return;
    }
  }
  await deps.store.appendHistory(event);
  if (deps.notify.has(event.kind)) {
    try {
      await deps.notifier.publish(event);
      report.published += 1;
    } catch (error) {
      report.failed += 1;
      deps.log?.warn('Notification failed; it stays in the outbox for the next run', {
        eventId: event.eventId,
        error: (error as Error).message,
      });
      return;
    }
  }
  await deps.store.removeFromOutbox(pair, event.eventId);
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
