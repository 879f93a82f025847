import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ModelLifecycle } from '../../src/catalog/model-lifecycle.ts';
import {
  DAY_MS,
  decideLifecycle,
  type LifecycleRecord,
} from '../../src/lifecycle/decide-lifecycle.ts';
import type { LifecycleEvent } from '../../src/lifecycle/lifecycle-event.ts';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const MODEL = 'anthropic.claude-3-sonnet-20240229-v1:0';
const T0 = Date.UTC(2026, 0, 1, 9, 17, 23, 481);
const RULES = { lifecycleWarnings: [30, 7, 1] };

const iso = (ms: number) => new Date(ms).toISOString();
const ACTIVE: ModelLifecycle = {
  status: 'ACTIVE',
  startOfLifeTime: null,
  legacyTime: null,
  publicExtendedAccessTime: null,
  endOfLifeTime: null,
};
const observe = (lifecycle: ModelLifecycle) => ({
  account: ACCOUNT,
  region: REGION,
  modelId: MODEL,
  lifecycle,
});

/** Plays observations at moments through decideLifecycle, storing as a run would. */
function play(
  runs: readonly { atMs: number; lifecycle: ModelLifecycle }[],
  rules = RULES,
): { perRun: LifecycleEvent[][]; record: LifecycleRecord | undefined } {
  let record: LifecycleRecord | undefined;
  const perRun = runs.map(({ atMs, lifecycle }) => {
    const decision = decideLifecycle(record, observe(lifecycle), new Date(atMs), rules);
    if (decision.type === 'unchanged') return [];
    record = decision.next;
    return decision.events;
  });
  return { perRun, record };
}

const brief = (event: LifecycleEvent) =>
  `${event.what} ${event.which} ${event.leadDays ?? '-'}${event.previousDate ? ` from ${event.previousDate}` : ''}`;

describe('decideLifecycle: examples', () => {
  it('takes a first sighting as a baseline: no status or date is announced', () => {
    const legacy = { ...ACTIVE, status: 'LEGACY' as const, legacyTime: iso(T0 - 9 * DAY_MS) };

    const decision = decideLifecycle(undefined, observe(legacy), new Date(T0), RULES);

    expect(decision).toEqual({
      type: 'baseline',
      next: {
        account: ACCOUNT,
        region: REGION,
        modelId: MODEL,
        lifecycle: legacy,
        warned: { publicExtendedAccessTime: [], endOfLifeTime: [] },
        version: 1,
      },
      events: [],
    });
  });

  it('gives a model first seen past two lead times one warning, the nearest, in the full event shape', () => {
    const lifecycle = {
      ...ACTIVE,
      status: 'LEGACY' as const,
      endOfLifeTime: iso(T0 + 5 * DAY_MS + 3_600_123),
    };

    const decision = decideLifecycle(undefined, observe(lifecycle), new Date(T0), RULES);

    expect(decision.type).toBe('baseline');
    if (decision.type === 'unchanged') throw new Error('expected a baseline');
    expect(decision.events).toEqual([
      {
        schema: 'bedrock-access-monitor/lifecycle/v1',
        eventId: expect.stringMatching(
          /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
        ),
        kind: 'lifecycle',
        account: ACCOUNT,
        modelId: MODEL,
        region: REGION,
        what: 'warning',
        which: 'endOfLifeTime',
        date: lifecycle.endOfLifeTime,
        previousDate: null,
        leadDays: 7,
        lifecycle,
        successor: null,
        observedAt: iso(T0),
      },
    ]);
    expect(decision.next.warned.endOfLifeTime).toEqual([30, 7]);
  });

  it('warns once at each lead time as the days pass, and not after the date', () => {
    const eol = T0 + 45 * DAY_MS;
    const lifecycle = { ...ACTIVE, endOfLifeTime: iso(eol) };
    const daily = Array.from({ length: 50 }, (_, day) => ({ atMs: T0 + day * DAY_MS, lifecycle }));

    const { perRun } = play(daily);

    const announced = perRun.flatMap((events, day) => events.map((e) => `day ${day}: ${brief(e)}`));
    expect(announced).toEqual([
      'day 15: warning endOfLifeTime 30',
      'day 38: warning endOfLifeTime 7',
      'day 44: warning endOfLifeTime 1',
    ]);
  });

  it('announces a model that becomes LEGACY once, with the legacyTime that came with it', () => {
    const legacy = {
      ...ACTIVE,
      status: 'LEGACY' as const,
      legacyTime: iso(T0 + DAY_MS),
      publicExtendedAccessTime: iso(T0 + 200 * DAY_MS),
    };

    const { perRun } = play([
      { atMs: T0, lifecycle: ACTIVE },
      { atMs: T0 + DAY_MS, lifecycle: legacy },
      { atMs: T0 + 2 * DAY_MS, lifecycle: legacy },
    ]);

    expect(perRun.map((events) => events.map(brief))).toEqual([
      [],
      ['legacy legacyTime -', 'date-set publicExtendedAccessTime -'],
      [],
    ]);
    expect(perRun[1]?.[0]?.date).toBe(legacy.legacyTime);
  });

  it('announces a date that moves, and one moved into a lead time stands for that warning', () => {
    const first = { ...ACTIVE, endOfLifeTime: iso(T0 + 90 * DAY_MS) };
    const postponed = { ...ACTIVE, endOfLifeTime: iso(T0 + 120 * DAY_MS) };
    const broughtForward = { ...ACTIVE, endOfLifeTime: iso(T0 + 12 * DAY_MS) };

    const { perRun } = play([
      { atMs: T0, lifecycle: first },
      { atMs: T0 + DAY_MS, lifecycle: postponed },
      { atMs: T0 + 2 * DAY_MS, lifecycle: broughtForward },
      { atMs: T0 + 3 * DAY_MS, lifecycle: broughtForward },
      { atMs: T0 + 5 * DAY_MS, lifecycle: broughtForward },
    ]);

    expect(perRun.map((events) => events.map(brief))).toEqual([
      [],
      [`date-moved endOfLifeTime - from ${first.endOfLifeTime}`],
      [`date-moved endOfLifeTime 30 from ${postponed.endOfLifeTime}`],
      [],
      ['warning endOfLifeTime 7'],
    ]);
  });

  it('warns again when a date is postponed past a lead time it had crossed', () => {
    const near = { ...ACTIVE, publicExtendedAccessTime: iso(T0 + 20 * DAY_MS) };
    const later = { ...ACTIVE, publicExtendedAccessTime: iso(T0 + 60 * DAY_MS) };

    const { perRun } = play([
      { atMs: T0, lifecycle: near },
      { atMs: T0 + DAY_MS, lifecycle: later },
      { atMs: T0 + 31 * DAY_MS, lifecycle: later },
    ]);

    expect(perRun.map((events) => events.map(brief))).toEqual([
      ['warning publicExtendedAccessTime 30'],
      [`date-moved publicExtendedAccessTime - from ${near.publicExtendedAccessTime}`],
      ['warning publicExtendedAccessTime 30'],
    ]);
  });

  it('records a date that disappears without announcing it, and the same observation as unchanged', () => {
    const dated = { ...ACTIVE, endOfLifeTime: iso(T0 + 100 * DAY_MS) };
    const first = decideLifecycle(undefined, observe(dated), new Date(T0), RULES);
    if (first.type === 'unchanged') throw new Error('expected a baseline');

    const again = decideLifecycle(first.next, observe(dated), new Date(T0 + 60_000), RULES);
    const gone = decideLifecycle(first.next, observe(ACTIVE), new Date(T0 + 60_000), RULES);

    expect(again).toEqual({ type: 'unchanged' });
    expect(gone).toMatchObject({
      type: 'changed',
      events: [],
      next: { version: 2, lifecycle: ACTIVE },
    });
  });

  it('refuses lead times that are not whole days and a date that is no date', () => {
    const lifecycle = { ...ACTIVE };
    expect(() =>
      decideLifecycle(undefined, observe(lifecycle), new Date(T0), { lifecycleWarnings: [7.5] }),
    ).toThrow(RangeError);
    expect(() =>
      decideLifecycle(undefined, observe(lifecycle), new Date(Number.NaN), RULES),
    ).toThrow(RangeError);
  });
});

// ---- Properties over random timelines, against a plain reference model ----

const DATE_FIELDS = ['legacyTime', 'publicExtendedAccessTime', 'endOfLifeTime'] as const;
const WARNED = ['publicExtendedAccessTime', 'endOfLifeTime'] as const;

type Run = { atMs: number; lifecycle: ModelLifecycle };

/** Any moment within a few months of T0, to the millisecond. */
const dateArb = fc.option(
  fc.integer({ min: -20 * DAY_MS, max: 120 * DAY_MS }).map((offset) => iso(T0 + offset)),
  { nil: null, freq: 3 },
);
const lifecycleArb = fc.record({
  status: fc.constantFrom('ACTIVE' as const, 'LEGACY' as const),
  startOfLifeTime: fc.constant(null),
  legacyTime: dateArb,
  publicExtendedAccessTime: dateArb,
  endOfLifeTime: dateArb,
});
/** Runs at non-decreasing moments: often the same observation again, sometimes a change. */
const timelineArb = fc
  .tuple(
    lifecycleArb,
    fc.array(
      fc.record({
        gapMs: fc.oneof(
          fc.constant(0),
          fc.integer({ min: 1, max: 15 * 60_000 }),
          fc.integer({ min: 1, max: 3 * DAY_MS }),
          fc.integer({ min: 1, max: 40 * DAY_MS }),
        ),
        change: fc.option(
          fc.oneof(
            fc.record({
              field: fc.constant('status' as const),
              value: fc.constantFrom('ACTIVE', 'LEGACY'),
            }),
            fc.record({ field: fc.constantFrom(...DATE_FIELDS), value: dateArb }),
          ),
          { nil: undefined, freq: 2 },
        ),
      }),
      { maxLength: 30 },
    ),
  )
  .map(([first, steps]) => {
    const runs: Run[] = [{ atMs: T0, lifecycle: first }];
    for (const { gapMs, change } of steps) {
      const previous = runs[runs.length - 1] as Run;
      const lifecycle = change
        ? { ...previous.lifecycle, [change.field]: change.value }
        : previous.lifecycle;
      runs.push({ atMs: previous.atMs + gapMs, lifecycle: lifecycle as ModelLifecycle });
    }
    return runs;
  });
const leadsArb = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 4 });

/**
 * The reference, from the wording of the rules and nothing stored: each run compares its
 * observation with the previous run's alone. A lead time is new at a run when it is crossed
 * now and was not at the previous run (for the date value of then); the nearest new one is
 * announced while the date is still ahead; a status or date change after the first run is
 * announced, and carries that lead with it.
 */
function referenceEvents(runs: readonly Run[], leads: readonly number[]): string[][] {
  const crossed = (date: string | null, atMs: number) =>
    date === null ? [] : leads.filter((days) => atMs >= Date.parse(date) - days * DAY_MS);
  return runs.map((run, i) => {
    const before = runs[i - 1];
    const events: string[] = [];
    for (const which of DATE_FIELDS) {
      const is = run.lifecycle[which];
      let change: string | undefined;
      let from: string | null = null;
      if (before) {
        const was = before.lifecycle[which];
        if (
          which === 'legacyTime' &&
          before.lifecycle.status === 'ACTIVE' &&
          run.lifecycle.status === 'LEGACY'
        ) {
          change = 'legacy';
        } else if (is !== null && was === null) change = 'date-set';
        else if (is !== null && was !== null && was !== is) {
          change = 'date-moved';
          from = was;
        }
      }
      let lead: number | null = null;
      if ((WARNED as readonly string[]).includes(which) && is !== null) {
        const then = before ? crossed(before.lifecycle[which], before.atMs) : [];
        const fresh = crossed(is, run.atMs).filter((days) => !then.includes(days));
        if (fresh.length > 0 && run.atMs < Date.parse(is)) lead = Math.min(...fresh);
      }
      if (change === undefined && lead === null) continue;
      events.push(`${change ?? 'warning'} ${which} ${lead ?? '-'}${from ? ` from ${from}` : ''}`);
    }
    return events;
  });
}

describe('decideLifecycle: properties', () => {
  it('announces exactly what the reference model announces, run by run', () => {
    fc.assert(
      fc.property(timelineArb, leadsArb, (runs, leads) => {
        const { perRun } = play(runs, { lifecycleWarnings: leads });

        expect(perRun.map((events) => events.map(brief))).toEqual(referenceEvents(runs, leads));
      }),
      { numRuns: 400 },
    );
  });

  it('gives a first sighting at most one warning per date, and nothing else', () => {
    fc.assert(
      fc.property(
        lifecycleArb,
        fc.integer({ min: -30 * DAY_MS, max: 130 * DAY_MS }),
        leadsArb,
        (lifecycle, offset, leads) => {
          const decision = decideLifecycle(undefined, observe(lifecycle), new Date(T0 + offset), {
            lifecycleWarnings: leads,
          });

          if (decision.type !== 'baseline') throw new Error('a first sighting is a baseline');
          expect(decision.events.every((event) => event.what === 'warning')).toBe(true);
          expect(new Set(decision.events.map((event) => event.which)).size).toBe(
            decision.events.length,
          );
          expect(decision.events.length).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('announces nothing when the same observation is seen again, even by a run that started earlier', () => {
    fc.assert(
      fc.property(
        timelineArb,
        leadsArb,
        fc.integer({ min: 0, max: 10 * DAY_MS }),
        (runs, leads, earlierBy) => {
          const rules = { lifecycleWarnings: leads };
          let record: LifecycleRecord | undefined;
          for (const { atMs, lifecycle } of runs) {
            const decision = decideLifecycle(record, observe(lifecycle), new Date(atMs), rules);
            if (decision.type !== 'unchanged') record = decision.next;

            const repeated = decideLifecycle(record, observe(lifecycle), new Date(atMs), rules);
            const overlapping = decideLifecycle(
              record,
              observe(lifecycle),
              new Date(atMs - earlierBy),
              rules,
            );
            expect(repeated).toEqual({ type: 'unchanged' });
            expect(overlapping.type === 'unchanged' ? [] : overlapping.events).toEqual([]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names each event uniquely, and the same decision alike', () => {
    fc.assert(
      fc.property(timelineArb, leadsArb, (runs, leads) => {
        const once = play(runs, { lifecycleWarnings: leads }).perRun.flat();
        const twice = play(runs, { lifecycleWarnings: leads }).perRun.flat();

        expect(new Set(once.map((event) => event.eventId)).size).toBe(once.length);
        expect(twice.map((event) => event.eventId)).toEqual(once.map((event) => event.eventId));
      }),
      { numRuns: 100 },
    );
  });
});
