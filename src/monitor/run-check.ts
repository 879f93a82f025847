import type { AvailabilitySource } from '../bedrock/availability-source.ts';
import {
  resolveTargets,
  verificationTarget,
  type WatchedConfig,
} from '../config/watched-config.ts';
import { transitionKindsIn } from '../events/event-kinds.ts';
import { applyVerification } from '../grants/apply-verification.ts';
import { type Decision, type DecisionRules, decideNext } from '../grants/decide-next.ts';
import { deriveGrantState } from '../grants/grant-state.ts';
import { type OutboxEntry, type PairRecord, pairKey } from '../grants/pair-record.ts';
import { type CheckOutcome, GRANT_STATES, type TransitionEvent } from '../grants/types.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { StateStore } from '../state/state-store.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import type { FailureView, PairStatus, PairView, RunSummary } from './run-summary.ts';

/** Structured log lines; Powertools Logger fits, so does a console adapter. */
export interface MonitorLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export interface MonitorDeps {
  account: string;
  config: WatchedConfig;
  availability: AvailabilitySource;
  store: StateStore;
  notifier: Notifier;
  /** Epoch milliseconds by which every Bedrock check must have ended. */
  deadline: number;
  /**
   * How long a claimed delivery belongs to the run that claimed it. Older outbox entries are
   * taken over by a later run: the claiming run died or its publish failed.
   */
  outboxLeaseMs?: number;
  /** Makes the opt-in verification call when a model becomes ENABLED; none: no call. */
  verifier?: Verifier;
  log?: MonitorLog;
}

const DEFAULT_OUTBOX_LEASE_MS = 120_000;
// A verification call runs after the checks, with its own budget.
const VERIFICATION_TIMEOUT_MS = 10_000;

/**
 * One monitoring run: observe every (region, model), store what changed, announce each
 * transition exactly once. Failed checks are reported, never stored. Rejects only when the
 * state store cannot be read or written.
 */
export async function runCheck(deps: MonitorDeps, now: Date): Promise<RunSummary> {
  const startedAt = performance.now();
  const observedAt = now.toISOString();
  const rules: DecisionRules = {
    confirmRevocation: deps.config.confirmRevocation,
    notify: transitionKindsIn(deps.config.notify),
  };
  const targets = resolveTargets(deps.config);

  const loaded = await deps.store.load(deps.account);
  for (const item of loaded.skipped) {
    deps.log?.warn('Skipped a stored item this version cannot read; it was left as it is', {
      ...item,
    });
  }
  const stored = new Map(loaded.records.map((record) => [pairKey(record), record]));

  const outcomes = await deps.availability.check(targets, deps.deadline);

  const transitions: TransitionEvent[] = [];
  const deliveries: Array<{ record: PairRecord; entry: OutboxEntry }> = [];
  let conflicts = 0;
  const leaseCutoff = new Date(
    now.getTime() - (deps.outboxLeaseMs ?? DEFAULT_OUTBOX_LEASE_MS),
  ).toISOString();

  const write = async (previous: PairRecord | undefined, decision: Decision) => {
    const written = nextRecord(previous, decision, leaseCutoff, observedAt);
    if (written === undefined) return;
    const next = written.record;
    if (!(await deps.store.put(next, previous?.version ?? 0))) {
      conflicts += 1;
      return;
    }
    stored.set(pairKey(next), next);
    if (decision.type === 'transition') {
      transitions.push(decision.event);
      deps.log?.info('Grant state changed', { ...decision.event });
    }
    for (const entry of next.outbox) {
      if (written.claimed.has(entry.event.eventId)) deliveries.push({ record: next, entry });
    }
  };

  const observedKeys = new Set<string>();
  for (const outcome of outcomes) {
    if (!outcome.ok) continue;
    observedKeys.add(pairKey(outcome));
    const previous = stored.get(pairKey(outcome));
    const decision = decideNext(previous, observedState(deps.account, outcome, observedAt), rules);
    await write(previous, await verifyIfReady(deps, decision, rules));
  }
  // Undelivered events of pairs not observed this run (a failed check, a model no longer
  // watched) are still owed.
  for (const record of loaded.records) {
    if (!observedKeys.has(pairKey(record))) await write(record, { type: 'unchanged' });
  }
  // Claims must be durable before anything is announced: a crash after this point leaves
  // the events in the outbox, never lost and never sent twice.
  await deps.store.flush();

  const notifications = { published: 0, failed: 0 };
  for (const { record, entry } of deliveries) {
    await deps.store.appendHistory(entry.event);
    if (entry.publish) {
      try {
        await deps.notifier.publish(entry.event);
        notifications.published += 1;
      } catch (error) {
        notifications.failed += 1;
        deps.log?.warn('Notification failed; it stays in the outbox for the next run', {
          eventId: entry.event.eventId,
          error: (error as Error).message,
        });
        continue;
      }
    }
    await deps.store.removeFromOutbox(record, entry.event.eventId);
  }
  await deps.store.flush();

  const pairs = outcomes.map((outcome) => pairView(outcome, stored.get(pairKey(outcome))));
  return {
    account: deps.account,
    startedAt: observedAt,
    durationMs: Math.round(performance.now() - startedAt),
    checks: targets.length,
    states: countStates(pairs),
    transitions,
    notifications,
    failures: outcomes.flatMap(failureView),
    conflicts,
    skippedItems: loaded.skipped,
    pairs,
  };
}

/** Adds the verification call's result to a `ready` transition of a model that asks for one. */
async function verifyIfReady(
  deps: MonitorDeps,
  decision: Decision,
  rules: DecisionRules,
): Promise<Decision> {
  if (
    decision.type !== 'transition' ||
    decision.event.kind !== 'ready' ||
    deps.verifier === undefined
  ) {
    return decision;
  }
  const via = verificationTarget(deps.config, decision.event.modelId);
  if (via === undefined) return decision;
  const target = { region: decision.event.region, via };
  const result = await deps.verifier.verify(target, Date.now() + VERIFICATION_TIMEOUT_MS);
  return applyVerification(decision, result, rules.notify);
}

/**
 * The record to write for this pair, or undefined when nothing changed, and the event ids
 * this write claims: the new transition's, and those of outbox entries whose claim has lapsed
 * (claimed again in the same write, so an overlapping run cannot take them too). A run
 * delivers only what it claimed, never an entry another run is still delivering.
 */
function nextRecord(
  previous: PairRecord | undefined,
  decision: Decision,
  leaseCutoff: string,
  observedAt: string,
): { record: PairRecord; claimed: Set<string> } | undefined {
  const base = decision.type === 'unchanged' ? previous : decision.next;
  if (base === undefined) return undefined;
  const claimed = new Set(decision.type === 'transition' ? [decision.event.eventId] : []);
  for (const entry of base.outbox) {
    if (entry.claimedAt < leaseCutoff) claimed.add(entry.event.eventId);
  }
  const reclaims = claimed.size > (decision.type === 'transition' ? 1 : 0);
  if (!reclaims) return decision.type === 'unchanged' ? undefined : { record: base, claimed };
  const outbox = base.outbox.map((entry) =>
    claimed.has(entry.event.eventId) ? { ...entry, claimedAt: observedAt } : entry,
  );
  const version = decision.type === 'unchanged' ? base.version + 1 : base.version;
  return { record: { ...base, outbox, version }, claimed };
}

function observedState(
  account: string,
  outcome: Extract<CheckOutcome, { ok: true }>,
  observedAt: string,
) {
  return {
    account,
    region: outcome.region,
    modelId: outcome.modelId,
    state: deriveGrantState(outcome),
    raw: outcome.raw,
    notFound: outcome.notFound,
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
