import type { AvailabilitySource } from '../bedrock/availability-source.ts';
import type { CatalogSource, RegionCatalog } from '../catalog/catalog-source.ts';
import type { ModelLifecycle } from '../catalog/model-lifecycle.ts';
import { findUnknownModels } from '../catalog/unknown-models.ts';
import {
  resolveTargets,
  stuckAfterMs,
  verificationTarget,
  type WatchedConfig,
} from '../config/watched-config.ts';
import { CheckDefectError, DefectError } from '../errors.ts';
import { isTransitionEvent } from '../events/announced-event.ts';
import { decideNext, type ObservedState } from '../grants/decide-next.ts';
import { deriveGrantState } from '../grants/grant-state.ts';
import { type PairRecord, pairKey } from '../grants/pair-record.ts';
import { type CheckOutcome, GRANT_STATES, type Observation } from '../grants/types.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { StateStore } from '../state/state-store.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import {
  type AnnouncementRules,
  configAnnouncements,
  decideAnnouncements,
  lifecyclesByPair,
} from './decide-announcements.ts';
import { baselineLine, failedCheckLine, transitionLine, writeHistoryLine } from './history-log.ts';
import type { MonitorLog } from './monitor-log.ts';
import {
  type Claimant,
  claimWrite,
  deliverClaimed,
  leaseCutoff,
  newClaimToken,
  type PairDecision,
} from './outbox.ts';
import {
  type LandedClaim,
  markBlocked,
  verificationDue,
  verifyClaimed,
} from './periodic-verification.ts';
import type {
  CatalogFailureView,
  FailureView,
  PairStatus,
  PairView,
  RunSummary,
} from './run-summary.ts';

export type { MonitorLog } from './monitor-log.ts';

export interface MonitorDeps {
  account: string;
  config: WatchedConfig;
  availability: AvailabilitySource;
  store: StateStore;
  notifier: Notifier;
  /** The EventBridge bus every announced event also goes to; none: SNS (`notifier`) only. */
  eventBus?: Notifier;
  /**
   * Lists each watched region's models once per run, for lifecycle warnings and watched ids
   * that do not exist; none: neither is decided.
   */
  catalog?: CatalogSource;
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

  const [{ outcomes, defects: checkDefects }, listing] = await Promise.all([
    checkAvailability(deps, targets),
    listCatalog(deps, targets),
  ]);
  const catalogs = listing.catalogs;
  const defects = [...checkDefects, ...listing.defects];
  for (const outcome of outcomes) {
    if (!outcome.ok) writeHistoryLine(deps.log, failedCheckLine(outcome, deps, observedAt));
  }
  const catalogFailures = (catalogs ?? []).flatMap(catalogFailureView);
  for (const failure of catalogFailures) {
    deps.log?.warn('Listing failed: lifecycle is unknown in this region for this run', {
      ...failure,
    });
  }
  const unknown =
    catalogs === undefined
      ? undefined
      : findUnknownModels(
          deps.config.models.map((model) => model.id),
          catalogs,
        );
  for (const { modelId, suggestions } of unknown?.unknown ?? []) {
    deps.log?.warn('A watched model id is listed by no watched region: check the config', {
      modelId,
      suggestions,
    });
  }
  const lifecycles = lifecyclesByPair(catalogs ?? []);

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
  const rules = {
    account: deps.account,
    now,
    // Repeated and blocked verifications need a verifier; without one (a local check without
    // --verify), none is due.
    periodicVerification: deps.verifier !== undefined,
    lifecycleWarnings: deps.config.lifecycleWarnings,
    stuckAfterMs: stuckAfterMs(deps.config),
    lifecycles,
  };
  const claimed = await claimAll(deps, stored, observations, claimant, (records) => ({
    ...rules,
    unknownModels: configAnnouncements(deps, unknown, records, now),
  }));
  // The verification attempts this run claimed: billed calls, made by the claiming run only.
  const periodic =
    deps.verifier === undefined
      ? { landed: claimed.landed, lost: 0, defects: [] }
      : await verifyClaimed(claimed.landed, claimant, {
          account: deps.account,
          config: deps.config,
          store: deps.store,
          verifier: deps.verifier,
          deadline: deps.deadline,
        });
  const landed = periodic.landed;
  const conflicts = claimed.conflicts + periodic.lost;
  for (const { claim } of landed) {
    stored.set(pairKey(claim.record), claim.record);
    if (claim.expectedVersion === 0) writeHistoryLine(deps.log, baselineLine(claim.record, deps));
  }

  const delivery = await deliverClaimed(
    landed.map(({ claim }) => claim),
    {
      store: deps.store,
      notifier: deps.notifier,
      ...(deps.eventBus === undefined ? {} : { eventBus: deps.eventBus }),
      notify: new Set(deps.config.notify),
      verificationTarget: (modelId) => verificationTarget(deps.config, modelId),
      ...(deps.verifier === undefined ? {} : { verifier: deps.verifier }),
      deadline: deps.deadline,
      ...(deps.log === undefined ? {} : { log: deps.log }),
    },
  );
  const announced = landed.flatMap(({ events }) =>
    events.map((event) => delivery.verified.get(event.eventId) ?? event),
  );
  const transitions = announced.filter(isTransitionEvent);
  const announcements = announced.filter((event) => !isTransitionEvent(event));
  for (const event of transitions) writeHistoryLine(deps.log, transitionLine(event, deps));
  for (const event of announcements) deps.log?.info('Event announced', { ...event });
  const markedLost = await markBlocked([...delivery.verified.values()], deps.account, deps.store);
  const allDefects = [...defects, ...periodic.defects, ...delivery.defects];
  if (allDefects.length > 0) throw new DefectError(allDefects);

  const pairs = outcomes.map((outcome) =>
    pairView(outcome, stored.get(pairKey(outcome)), lifecycles.get(pairKey(outcome))),
  );
  return {
    account: deps.account,
    startedAt: observedAt,
    durationMs: Math.round(performance.now() - startedAt),
    checks: targets.length,
    states: countStates(pairs),
    transitions,
    announcements,
    unknownModels: unknown?.unknown ?? [],
    catalogFailures,
    notifications: { published: delivery.published, failed: delivery.failed },
    failures: outcomes.flatMap(failureView),
    conflicts: conflicts + delivery.lost + markedLost,
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
  rulesFor: (records: ReadonlyMap<string, PairRecord>) => RunRules,
): Promise<{ landed: LandedClaim[]; conflicts: number }> {
  const landed: LandedClaim[] = [];
  let conflicts = 0;
  let records = stored;
  let keys = [...new Set([...observations.keys(), ...stored.keys()])];
  for (let round = 1; keys.length > 0; round++) {
    const rules = rulesFor(records);
    const claims = keys.flatMap((key) => {
      const previous = records.get(key);
      const observed = observations.get(key);
      const decision = decidePair(key, previous, observed, deps.config, rules);
      const claim = claimWrite(previous, decision, claimant);
      const events = [
        ...(decision.event === undefined ? [] : [decision.event]),
        ...(decision.events ?? []),
      ];
      return claim === undefined ? [] : [{ key, claim, events, verifyDue: decision.verifyDue }];
    });
    const applied = await deps.store.write(
      claims.map(({ claim }) => ({ record: claim.record, expectedVersion: claim.expectedVersion })),
    );
    const lost = claims.filter((_, index) => applied[index] !== true);
    landed.push(
      ...claims
        .filter((_, index) => applied[index] === true)
        .map(({ claim, events, verifyDue }) => ({ claim, events, verifyDue })),
    );
    conflicts += lost.length;
    if (lost.length === 0 || round === MAX_CLAIM_ROUNDS) break;
    const reloaded = await deps.store.load(deps.account);
    records = new Map(reloaded.records.map((record) => [pairKey(record), record]));
    keys = lost.map(({ key }) => key);
  }
  return { landed, conflicts };
}

type RunRules = AnnouncementRules & { periodicVerification: boolean };

/**
 * The grant decision of one pair, and on the record it leaves, every other announcement and
 * the claim of a verification attempt that is due.
 */
function decidePair(
  key: string,
  previous: PairRecord | undefined,
  observed: ObservedState | undefined,
  config: WatchedConfig,
  rules: RunRules,
): PairDecision & { verifyDue: boolean } {
  const grant =
    observed === undefined ? {} : decideNext(previous, observed, config.confirmRevocation);
  const record = grant.next ?? previous;
  if (record === undefined) return { ...grant, verifyDue: false };
  const { changes, events } = decideAnnouncements(key, record, observed !== undefined, rules);
  // A grant transition starts verification over: a pair blocked before it was revoked is not
  // blocked when it becomes ENABLED again (its `ready` is verified on its own).
  if (grant.event !== undefined && (record.verification ?? null) !== null) {
    changes.verification = null;
  }
  const attempt = rules.periodicVerification
    ? verificationDue({ ...record, ...changes }, config, rules.now)
    : undefined;
  if (attempt !== undefined) changes.verification = attempt;
  const verifyDue = attempt !== undefined;
  if (Object.keys(changes).length === 0) return { ...grant, events, verifyDue };
  // A record the grant decision left alone gets the next version here; a decided one has it.
  const version = grant.next === undefined ? record.version + 1 : record.version;
  return { ...grant, next: { ...record, ...changes, version }, events, verifyDue };
}

function catalogFailureView(catalog: RegionCatalog): CatalogFailureView[] {
  if (catalog.ok) return [];
  const { region, kind, errorName, message } = catalog;
  return [{ region, kind, errorName, message }];
}

/**
 * This run's listings, or none (no catalog source, or a defect met while listing: the defect
 * is kept, and lifecycle and unknown ids wait for the next run, as for a failed listing).
 */
async function listCatalog(
  deps: MonitorDeps,
  targets: ReturnType<typeof resolveTargets>,
): Promise<{ catalogs: RegionCatalog[] | undefined; defects: unknown[] }> {
  if (deps.catalog === undefined) return { catalogs: undefined, defects: [] };
  try {
    return { catalogs: await deps.catalog.list(targets, deps.deadline), defects: [] };
  } catch (defect) {
    // CatalogSource.list rejects only for a programming error.
    return { catalogs: undefined, defects: [defect] };
  }
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

function pairView(
  outcome: CheckOutcome,
  record: PairRecord | undefined,
  listed: ModelLifecycle | undefined,
): PairView {
  return {
    region: outcome.region,
    modelId: outcome.modelId,
    state: outcome.ok ? deriveGrantState(outcome) : 'UNKNOWN',
    storedState: record?.state ?? null,
    since: record?.since ?? null,
    pendingRevocation: record?.pendingRevocation?.count ?? 0,
    lifecycle: listed ?? record?.lifecycle?.lifecycle ?? null,
  };
}
