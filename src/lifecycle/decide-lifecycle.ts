/**
 * Which `lifecycle` events one observation of a watched (region, model) announces, given
 * what is stored about it: pure, no I/O, so overlapping runs that read the same record decide
 * the same events with the same ids.
 *
 * - First sighting: a baseline. Nothing about the status or the dates is announced; only a
 *   lead time already crossed gets one warning per date, the nearest, not one per lead time.
 * - Later: the model becoming LEGACY; a date appearing (`date-set`) or changing
 *   (`date-moved`); each lead time of `lifecycleWarnings` crossed before
 *   publicExtendedAccessTime and endOfLifeTime.
 * - At most one event per date per run: a run that crosses several lead times at once (the
 *   monitor was down) announces the nearest; a `date-set` or `date-moved` that is already
 *   within a lead time stands for that warning (its `leadDays`); `legacy` stands for a
 *   legacyTime that appears with it. A date that has passed is not warned about any more.
 * - A lead time is announced once per date value: when a date moves, the lead times still
 *   crossed for the new date stay announced, the others may be crossed again.
 */
import type { LifecycleDate, ModelLifecycle } from '../catalog/model-lifecycle.ts';
import { deterministicEventId } from '../events/event-id.ts';
import {
  ANNOUNCED_DATES,
  LIFECYCLE_EVENT_SCHEMA,
  type LifecycleChange,
  type LifecycleEvent,
  WARNED_DATES,
  type WarnedDate,
} from './lifecycle-event.ts';

export const DAY_MS = 86_400_000;

/** What is stored about one watched (region, model)'s lifecycle between runs. */
export interface LifecycleRecord {
  account: string;
  region: string;
  modelId: string;
  /** As last observed. */
  lifecycle: ModelLifecycle;
  /**
   * Per warned date, the lead times (days, descending) already announced, or crossed when
   * they could not be (at first sight, after the date, folded into a nearer one), for the
   * date's current value.
   */
  warned: Record<WarnedDate, number[]>;
  /** 1 at the first sighting, +1 with each change; part of every event id. */
  version: number;
}

export interface LifecycleObservation {
  account: string;
  region: string;
  modelId: string;
  /** What this run's ListFoundationModels said about the model in the region. */
  lifecycle: ModelLifecycle;
}

export interface LifecycleRules {
  /** Lead times in whole days, each announced once per date (`lifecycleWarnings`). */
  lifecycleWarnings: readonly number[];
}

export type LifecycleDecision =
  | { type: 'unchanged' }
  /** First sighting: store `next`; `events` holds at most one warning per warned date. */
  | { type: 'baseline'; next: LifecycleRecord; events: LifecycleEvent[] }
  /** Store `next` (conditional on `previous.version`) and announce `events` (maybe none). */
  | { type: 'changed'; next: LifecycleRecord; events: LifecycleEvent[] };

/** Compares one observation with what is stored and says what to store and announce. */
export function decideLifecycle(
  previous: LifecycleRecord | undefined,
  observed: LifecycleObservation,
  now: Date,
  rules: LifecycleRules,
): LifecycleDecision {
  const nowMs = now.getTime();
  if (!Number.isInteger(nowMs)) throw new RangeError(`now is not a valid date: ${String(now)}`);
  for (const days of rules.lifecycleWarnings) {
    if (!Number.isInteger(days) || days < 1) {
      throw new RangeError(`lifecycleWarnings must be whole days >= 1, got ${days}`);
    }
  }
  const current = observed.lifecycle;
  const version = (previous?.version ?? 0) + 1;

  const changes =
    previous === undefined
      ? new Map<LifecycleDate, DateChange>()
      : dateChanges(previous.lifecycle, current);
  const warned = {} as Record<WarnedDate, number[]>;
  const leads = new Map<LifecycleDate, number>();
  for (const which of WARNED_DATES) {
    const value = current[which];
    const carried = previous === undefined ? [] : carriedLeads(previous, which, value, nowMs);
    const crossing = crossLeads(value, carried, nowMs, rules.lifecycleWarnings);
    warned[which] = crossing.warned;
    if (crossing.lead !== null) leads.set(which, crossing.lead);
  }

  const events: LifecycleEvent[] = [];
  for (const which of ANNOUNCED_DATES) {
    const change = changes.get(which);
    const leadDays = leads.get(which) ?? null;
    if (change === undefined && leadDays === null) continue;
    const what: LifecycleChange = change?.what ?? 'warning';
    const previousDate = change?.previousDate ?? null;
    const date = current[which];
    events.push({
      schema: LIFECYCLE_EVENT_SCHEMA,
      eventId: deterministicEventId([
        observed.account,
        observed.region,
        observed.modelId,
        version,
        'lifecycle',
        what,
        which,
        date,
        previousDate,
        leadDays,
      ]),
      kind: 'lifecycle',
      account: observed.account,
      modelId: observed.modelId,
      region: observed.region,
      what,
      which,
      date,
      previousDate,
      leadDays,
      lifecycle: current,
      successor: null,
      observedAt: now.toISOString(),
    });
  }

  const next: LifecycleRecord = {
    account: observed.account,
    region: observed.region,
    modelId: observed.modelId,
    lifecycle: current,
    warned,
    version,
  };
  if (previous === undefined) return { type: 'baseline', next, events };
  const same =
    events.length === 0 &&
    sameLifecycle(previous.lifecycle, current) &&
    WARNED_DATES.every((which) => sameLeads(previous.warned[which], warned[which]));
  return same ? { type: 'unchanged' } : { type: 'changed', next, events };
}

type DateChange = { what: Exclude<LifecycleChange, 'warning'>; previousDate: string | null };

/** The status and date changes from one observation to the next, at most one per date. */
function dateChanges(
  before: ModelLifecycle,
  after: ModelLifecycle,
): Map<LifecycleDate, DateChange> {
  const changes = new Map<LifecycleDate, DateChange>();
  if (before.status !== 'LEGACY' && after.status === 'LEGACY') {
    changes.set('legacyTime', { what: 'legacy', previousDate: null });
  }
  for (const which of ANNOUNCED_DATES) {
    const was = before[which];
    const is = after[which];
    // A date that disappears is recorded, not announced: there is nothing left to act on.
    if (changes.has(which) || is === null) continue;
    if (was === null) changes.set(which, { what: 'date-set', previousDate: null });
    else if (Date.parse(was) !== Date.parse(is)) {
      changes.set(which, { what: 'date-moved', previousDate: was });
    }
  }
  return changes;
}

/** The lead times that stay announced for the date's value in this observation. */
function carriedLeads(
  previous: LifecycleRecord,
  which: WarnedDate,
  value: string | null,
  nowMs: number,
): number[] {
  if (value === null) return [];
  const was = previous.lifecycle[which];
  const warned = previous.warned[which] ?? [];
  if (was !== null && Date.parse(was) === Date.parse(value)) return warned;
  const dateMs = Date.parse(value);
  return warned.filter((days) => isCrossed(dateMs, days, nowMs));
}

/** The lead times now crossed or announced, and the one to announce now, if any. */
function crossLeads(
  value: string | null,
  carried: readonly number[],
  nowMs: number,
  leadTimes: readonly number[],
): { warned: number[]; lead: number | null } {
  if (value === null) return { warned: [], lead: null };
  const dateMs = Date.parse(value);
  const crossed = leadTimes.filter((days) => isCrossed(dateMs, days, nowMs));
  const fresh = crossed.filter((days) => !carried.includes(days));
  const warned = [...new Set([...carried, ...crossed])].sort((a, b) => b - a);
  const lead = fresh.length > 0 && nowMs < dateMs ? Math.min(...fresh) : null;
  return { warned, lead };
}

function isCrossed(dateMs: number, days: number, nowMs: number): boolean {
  return nowMs >= dateMs - days * DAY_MS;
}

function sameLifecycle(a: ModelLifecycle, b: ModelLifecycle): boolean {
  return (
    a.status === b.status &&
    a.startOfLifeTime === b.startOfLifeTime &&
    ANNOUNCED_DATES.every((which) => a[which] === b[which])
  );
}

function sameLeads(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((days, i) => days === b[i]);
}
