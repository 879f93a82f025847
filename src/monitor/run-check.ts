import type { AvailabilitySource } from '../bedrock/availability-source.ts';
import {
  resolveTargets,
  verificationTarget,
  type WatchedConfig,
} from '../config/watched-config.ts';
import { CheckDefectError, DefectError } from '../errors.ts';
import { transitionKindsIn } from '../events/event-kinds.ts';
import { decideNext, type ObservedState } from '../grants/decide-next.ts';
import { deriveGrantState } from '../grants/grant-state.ts';
import { type PairRecord, pairKey } from '../grants/pair-record.ts';
import {
  type CheckOutcome,
  GRANT_STATES,
  type Observation,
  type TransitionEvent,
} from '../grants/types.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { StateStore } from '../state/state-store.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import { baselineLine, failedCheckLine, transitionLine, writeHistoryLine } from './history-log.ts';
import type { MonitorLog } from './monitor-log.ts';
import {
  type Claim,
  type Claimant,
  claimWrite,
  deliverClaimed,
  leaseCutoff,
  newClaimToken,
} from './outbox.ts';
import type { FailureView, PairStatus, PairView, RunSummary } from './run-summary.ts';

export type { MonitorLog } from './monitor-log.ts';

export interface MonitorDeps {
  account: string;
  config: WatchedConfig;
  availability: AvailabilitySource;
  store: StateStore;
  notifier: Notifier;
  /** Epoch milliseconds by which every Bedrock call (checks, verifications) must have ended. */
  deadline: number;
  /**
   * How long, in whole milliseconds, a claimed delivery belongs to the run that claimed it.
   * Older outbox entries are taken over by a later run: the claiming run died or its publish
   * failed.
   */
  outboxLeaseMs?: number;
  /** Makes the opt-in verification call when a model becomes ENABLED; none: no call. */
  verifier?: Verifier;
  log?: MonitorLog;
}

const DEFAULT_OUTBOX_LEASE_MS = 120_000;

/**
 * One monitoring run, DESIGN.md's pipeline: load the account's state (one read), check every
 * (region, model), decide what changed, claim it (one conditional write per changed pair),
 * deliver what this run claimed (outbox.ts), summarise. Failed checks are reported, never
 * stored. Rejects when the state store cannot be used, and with a DefectError, after saving
 * everything else, when a defect of this program stopped a check or a verification.
 */
export async function runCheck(deps: MonitorDeps, now: Date): Promise<RunSummary> {
  const startedAt = performance.now();
  const observedAt = now.toISOString();
  const targets = resolveTargets(deps.config);

  const loaded = await deps.store.load(deps.account);
  for (const item of loaded.skipped) {
    deps.log?.warn('Skipped a stored item this version cannot read; it was left as it is', {
      ...item,
    });
  }
  const stored = new Map(loaded.records.map((record) => [pairKey(record), record]));

  const { outcomes, defects } = await checkAvailability(deps, targets);
  for (const outcome of outcomes) {
    if (!outcome.ok) writeHistoryLine(deps.log, failedCheckLine(outcome, deps, observedAt));
  }

  const claimant = {
    token: newClaimToken(),
    observedAt,
    leaseCutoff: leaseCutoff(now, deps.outboxLeaseMs ?? DEFAULT_OUTBOX_LEASE_MS),
  };
  const observations = new Map(
    outcomes.flatMap((outcome) =>
      outcome.ok ? [[pairKey(outcome), observedState(deps.account, outcome, observedAt)]] : [],
    ),
  );
  const { landed, conflicts } = await claimAll(deps, stored, observations, claimant);
  for (const { claim } of landed) {
    stored.set(pairKey(claim.record), claim.record);
    if (claim.expectedVersion === 0) writeHistoryLine(deps.log, baselineLine(claim.record, deps));
  }

  const delivery = await deliverClaimed(
    landed.map(({ claim }) => claim),
    {
      store: deps.store,
      notifier: deps.notifier,
      notify: transitionKindsIn(deps.config.notify),
      verificationTarget: (modelId) => verificationTarget(deps.config, modelId),
      ...(deps.verifier === undefined ? {} : { verifier: deps.verifier }),
      deadline: deps.deadline,
      ...(deps.log === undefined ? {} : { log: deps.log }),
    },
  );
  const transitions = landed.flatMap(({ event }) =>
    event === undefined ? [] : [delivery.verified.get(event.eventId) ?? event],
  );
  for (const event of transitions) writeHistoryLine(deps.log, transitionLine(event, deps));
  const allDefects = [...defects, ...delivery.defects];
  if (allDefects.length > 0) throw new DefectError(allDefects);

  const pairs = outcomes.map((outcome) => pairView(outcome, stored.get(pairKey(outcome))));
  return {
    account: deps.account,
    startedAt: observedAt,
    durationMs: Math.round(performance.now() - startedAt),
    checks: targets.length,
    states: countStates(pairs),
    transitions,
    notifications: { published: delivery.published, failed: delivery.failed },
    failures: outcomes.flatMap(failureView),
    conflicts: conflicts + delivery.lost,
    deferred: delivery.deferred,
    skippedItems: loaded.skipped,
    pairs,
  };
}

// A write lost to an overlapping run is decided again on what that run stored, so the
// observation is not lost with it; a few rounds settle any overlap the schedule can make.
const MAX_CLAIM_ROUNDS = 4;

/**
 * Decides every observed pair (and every stored pair with an event still owed) against what is
 * stored, and claims the result with one conditional write per pair that changed. A write that
 * another run got to first is counted as a conflict, and its pair is read and decided again.
 */
async function claimAll(
  deps: MonitorDeps,
  stored: ReadonlyMap<string, PairRecord>,
  observations: ReadonlyMap<string, ObservedState>,
  claimant: Claimant,
): Promise<{
  landed: Array<{ claim: Claim; event: TransitionEvent | undefined }>;
  conflicts: number;
}> {
  const landed: Array<{ claim: Claim; event: TransitionEvent | undefined }> = [];
  let conflicts = 0;
  let records = stored;
  let keys = [...new Set([...observations.keys(), ...stored.keys()])];
  for (let round = 1; keys.length > 0; round++) {
    const claims = keys.flatMap((key) => {
      const previous = records.get(key);
      const observed = observations.get(key);
      const decision =
        observed === undefined ? {} : decideNext(previous, observed, deps.config.confirmRevocation);
      const claim = claimWrite(previous, decision, claimant);
      return claim === undefined ? [] : [{ key, claim, event: decision.event }];
    });
    const applied = await deps.store.write(
      claims.map(({ claim }) => ({ record: claim.record, expectedVersion: claim.expectedVersion })),
    );
    const lost = claims.filter((_, index) => applied[index] !== true);
    landed.push(...claims.filter((_, index) => applied[index] === true));
    conflicts += lost.length;
    if (lost.length === 0 || round === MAX_CLAIM_ROUNDS) break;
    const reloaded = await deps.store.load(deps.account);
    records = new Map(reloaded.records.map((record) => [pairKey(record), record]));
    keys = lost.map(({ key }) => key);
  }
  return { landed, conflicts };
}

/** The checks' outcomes; those of a check that met a defect are missing, the defect kept. */
async function checkAvailability(
  deps: MonitorDeps,
  targets: ReturnType<typeof resolveTargets>,
): Promise<{ outcomes: readonly CheckOutcome[]; defects: readonly unknown[] }> {
  try {
    return { outcomes: await deps.availability.check(targets, deps.deadline), defects: [] };
  } catch (error) {
    if (!(error instanceof CheckDefectError)) throw error;
    return { outcomes: error.outcomes, defects: error.defects };
  }
}

function observedState(
  account: string,
  observation: Observation,
  observedAt: string,
): ObservedState {
  return {
    account,
    region: observation.region,
    modelId: observation.modelId,
    state: deriveGrantState(observation),
    raw: observation.raw,
    notFound: observation.notFound,
    observedAt,
  };
}

function countStates(pairs: readonly PairView[]): Record<PairStatus, number> {
  const counts = Object.fromEntries(
    [...GRANT_STATES, 'UNKNOWN'].map((state) => [state, 0]),
  ) as Record<PairStatus, number>;
  for (const pair of pairs) counts[pair.state] += 1;
  return counts;
}

function failureView(outcome: CheckOutcome): FailureView[] {
  if (outcome.ok) return [];
  const { region, modelId, kind, errorName, message } = outcome;
  return [{ region, modelId, kind, errorName, message }];
}

function pairView(outcome: CheckOutcome, record: PairRecord | undefined): PairView {
  return {
    region: outcome.region,
    modelId: outcome.modelId,
    state: outcome.ok ? deriveGrantState(outcome) : 'UNKNOWN',
    storedState: record?.state ?? null,
    since: record?.since ?? null,
    pendingRevocation: record?.pendingRevocation?.count ?? 0,
  };
}
