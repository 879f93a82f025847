/**
 * Access that silently breaks: the opt-in verification call repeated for ENABLED pairs
 * (`verify: { every }`), and the re-verification of a `blocked` pair with backoff, whether or
 * not `every` is set. Billed, so only the run that claims the attempt (its write of the pair
 * lands) makes the call: `verificationDue` decides, on the record, that an attempt is due, and
 * the claim stores its time; `verifyClaimed` then makes the calls this run owns and stores
 * what they found, with the `blocked` or `ready` event, through the same outbox.
 *
 * - A lasting failure of an unblocked pair: one `blocked` event; the pair is blocked.
 * - A lasting failure of a blocked pair: nothing announced; the next attempt waits longer.
 * - A success of a blocked pair: one `ready` event saying since when it was blocked.
 * - A passing failure (throttled, timeout): nothing changes; the attempt comes again.
 */
import {
  verificationIntervalMs,
  verificationTarget,
  type WatchedConfig,
} from '../config/watched-config.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import { deterministicEventId } from '../events/event-id.ts';
import type { PairRecord, VerificationRecord } from '../grants/pair-record.ts';
import {
  TRANSITION_EVENT_SCHEMA,
  type TransitionEvent,
  type VerificationResult,
} from '../grants/types.ts';
import type { StateStore } from '../state/state-store.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import { type Claim, type Claimant, claimWrite } from './outbox.ts';

/**
 * The first re-verification of a blocked pair waits this long (the default schedule's period:
 * the next run), each later one twice the one before...
 */
export const BLOCKED_RETRY_BASE_MS = 5 * 60_000;
/** ...up to this. */
export const BLOCKED_RETRY_MAX_MS = 6 * 3_600_000;

/** How long after a blocked pair's `failures`-th failed attempt the next one is due. */
export function blockedRetryMs(failures: number): number {
  if (!Number.isInteger(failures) || failures < 0) {
    throw new RangeError(`failures must be a whole number >= 0, got ${failures}`);
  }
  const doublings = Math.min(Math.max(failures - 1, 0), 32);
  return Math.min(BLOCKED_RETRY_BASE_MS * 2 ** doublings, BLOCKED_RETRY_MAX_MS);
}

/**
 * The verification record to store when a verification attempt of `record` is due at `now`
 * (the claim of the attempt), or undefined when none is due: the pair is ENABLED, its model
 * is verified, and either it is blocked and its backoff has passed, or `every` has passed
 * since the last attempt (or since it became ENABLED).
 */
export function verificationDue(
  record: PairRecord,
  config: WatchedConfig,
  now: Date,
): VerificationRecord | undefined {
  if (record.state !== 'ENABLED') return undefined;
  if (verificationTarget(config, record.modelId) === undefined) return undefined;
  const stored = record.verification ?? null;
  const blocked = stored?.blockedSince != null;
  const every = verificationIntervalMs(config, record.modelId);
  if (!blocked && every === undefined) return undefined;
  const wait = blocked ? blockedRetryMs(stored?.failures ?? 1) : (every as number);
  const last = Date.parse(stored?.lastAttemptAt ?? record.since);
  if (now.getTime() - last < wait) return undefined;
  return {
    lastAttemptAt: now.toISOString(),
    blockedSince: stored?.blockedSince ?? null,
    failures: stored?.failures ?? 0,
  };
}

export interface PeriodicDeps {
  account: string;
  config: WatchedConfig;
  store: StateStore;
  verifier: Verifier;
  deadline: number;
}

/** A landed claim, the events it announces, and whether it claimed a verification attempt. */
export interface LandedClaim {
  claim: Claim;
  events: AnnouncedEvent[];
  verifyDue: boolean;
}

export interface PeriodicReport {
  /** The landed claims, each replaced by its rewrite (with its new event) where there was one. */
  landed: LandedClaim[];
  /** The calls made. */
  calls: number;
  /** Rewrites another run got to first: that run owns the pair now. */
  lost: number;
  defects: unknown[];
}

// A verification call is not started with less than this left: it would only time out.
const MIN_VERIFICATION_MS = 1_000;

/**
 * Makes the verification call of every claim in `due` (claims whose write stored a due
 * attempt), and stores each result on the pair, with its event in the outbox, by a write
 * conditional on the claim's version.
 */
export async function verifyClaimed(
  landed: readonly LandedClaim[],
  claimant: Claimant,
  deps: PeriodicDeps,
): Promise<PeriodicReport> {
  const report: PeriodicReport = { landed: [...landed], calls: 0, lost: 0, defects: [] };
  for (const [index, { claim, events, verifyDue }] of landed.entries()) {
    if (!verifyDue) continue;
    const { record } = claim;
    const via = verificationTarget(deps.config, record.modelId);
    if (via === undefined || Math.floor(deps.deadline - Date.now()) < MIN_VERIFICATION_MS) continue;
    let result: VerificationResult;
    try {
      result = await deps.verifier.verify({ region: record.region, via }, deps.deadline);
    } catch (defect) {
      report.defects.push(defect);
      continue;
    }
    report.calls += 1;
    const outcome = afterVerification(record, result, claimant.observedAt);
    if (outcome === undefined) continue;
    const rewrite = claimWrite(
      record,
      {
        next: { ...record, verification: outcome.verification, version: record.version + 1 },
        ...(outcome.event === undefined ? {} : { event: outcome.event }),
      },
      claimant,
    );
    if (rewrite === undefined) continue;
    const [applied] = await deps.store.write([
      { record: rewrite.record, expectedVersion: rewrite.expectedVersion },
    ]);
    if (applied !== true) {
      report.lost += 1;
      continue;
    }
    report.landed[index] = {
      claim: { ...rewrite, owned: [...claim.owned, ...rewrite.owned] },
      events: outcome.event === undefined ? events : [...events, outcome.event],
      verifyDue: false,
    };
  }
  return report;
}

/** What a call's result changes on the pair, and the event it announces; undefined: nothing. */
function afterVerification(
  record: PairRecord,
  result: VerificationResult,
  observedAt: string,
): { verification: VerificationRecord; event: TransitionEvent | undefined } | undefined {
  const stored = record.verification ?? {
    lastAttemptAt: observedAt,
    blockedSince: null,
    failures: 0,
  };
  const blockedSince = stored.blockedSince;
  if (result.ok) {
    if (blockedSince === null) return undefined;
    const verification = { lastAttemptAt: stored.lastAttemptAt, blockedSince: null, failures: 0 };
    return {
      verification,
      event: verificationEvent(record, 'ready', result, observedAt, blockedSince),
    };
  }
  if (!result.lasting) return undefined;
  if (blockedSince !== null) {
    return { verification: { ...stored, failures: stored.failures + 1 }, event: undefined };
  }
  const verification = {
    lastAttemptAt: stored.lastAttemptAt,
    blockedSince: observedAt,
    failures: 1,
  };
  return { verification, event: verificationEvent(record, 'blocked', result, observedAt, null) };
}

function verificationEvent(
  record: PairRecord,
  kind: 'ready' | 'blocked',
  verification: VerificationResult,
  observedAt: string,
  blockedSince: string | null,
): TransitionEvent {
  return {
    schema: TRANSITION_EVENT_SCHEMA,
    eventId: deterministicEventId([
      record.account,
      record.region,
      record.modelId,
      'verification',
      kind,
      observedAt,
    ]),
    kind,
    account: record.account,
    modelId: record.modelId,
    region: record.region,
    from: 'ENABLED',
    to: 'ENABLED',
    observedAt,
    previousSince: record.since,
    raw: record.raw,
    verification,
    ...(blockedSince === null ? {} : { blockedSince }),
  };
}

/**
 * Marks blocked the pairs whose `ready` the delivery's verification call turned into
 * `blocked`, so they are re-verified with backoff from now on: one read, then one write per
 * such pair, conditional on the version read (a pair another run changed meanwhile is left to
 * that run). Returns the writes lost that way.
 */
export async function markBlocked(
  events: readonly AnnouncedEvent[],
  account: string,
  store: StateStore,
): Promise<number> {
  const blocked = events.filter(
    (event): event is TransitionEvent =>
      event.kind === 'blocked' && 'to' in event && event.from !== event.to,
  );
  if (blocked.length === 0) return 0;
  const { records } = await store.load(account);
  const writes = blocked.flatMap((event) => {
    const record = records.find(
      (candidate) => candidate.region === event.region && candidate.modelId === event.modelId,
    );
    if (record === undefined || record.verification?.blockedSince != null) return [];
    const verification = {
      lastAttemptAt: event.observedAt,
      blockedSince: event.observedAt,
      failures: 1,
    };
    return [
      {
        record: { ...record, verification, version: record.version + 1 },
        expectedVersion: record.version,
      },
    ];
  });
  const applied = await store.write(writes);
  return applied.filter((ok) => !ok).length;
}
