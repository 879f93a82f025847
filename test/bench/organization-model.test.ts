import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concurrencyLimit,
  leastConcurrencyWithin,
  messageArrivals,
  type OrganizationPeriod,
  simulatePeriod,
} from '../../bench/organization-model.ts';

/**
 * The plain reference: one millisecond at a time, end the workers whose time is up, then start
 * waiting messages, oldest first, while the limit allows.
 */
function stepByStep(period: OrganizationPeriod): { started: number[]; ended: number[] } {
  const { arrivals } = messageArrivals(period);
  const waiting = arrivals
    .map((at, index) => ({ at, index }))
    .sort((a, b) => a.at - b.at || a.index - b.index);
  const first = waiting[0]?.at ?? 0;
  const started: number[] = new Array(period.accounts).fill(Number.NaN);
  const ended: number[] = new Array(period.accounts).fill(Number.NaN);
  const spacing = Math.ceil(1000 / period.stsRequestsPerSecond);
  let running: number[] = [];
  let stsFreeAt = 0;
  for (let t = first; waiting.length > 0; t += 1) {
    running = running.filter((end) => end > t);
    const ramp =
      period.scaling.initial + Math.floor((period.scaling.addedPerMinute * (t - first)) / 60_000);
    const limit = Math.min(ramp, period.scaling.cap, period.maximumConcurrency);
    while (waiting.length > 0 && running.length < limit && (waiting[0]?.at ?? 0) <= t) {
      const { index } = waiting.shift() as { index: number };
      let begin = t;
      if (period.assumesRole(index)) {
        begin = Math.max(t, stsFreeAt);
        stsFreeAt = begin + spacing;
        begin += period.assumeRoleMs;
      }
      started[index] = t;
      ended[index] = begin + period.checkMs(index);
      running.push(ended[index] as number);
    }
  }
  return { started, ended };
}

const periods = fc
  .record({
    accounts: fc.integer({ min: 0, max: 40 }),
    durations: fc.array(fc.integer({ min: 1, max: 3_000 }), { minLength: 1, maxLength: 7 }),
    maximumConcurrency: fc.integer({ min: 1, max: 30 }),
    initial: fc.integer({ min: 1, max: 6 }),
    addedPerMinute: fc.integer({ min: 60, max: 6_000 }),
    cap: fc.integer({ min: 1, max: 40 }),
    assumeEvery: fc.integer({ min: 1, max: 4 }),
    assumeRoleMs: fc.integer({ min: 0, max: 300 }),
    stsRequestsPerSecond: fc.integer({ min: 1, max: 700 }),
    pageSize: fc.integer({ min: 1, max: 20 }),
    pageMs: fc.integer({ min: 0, max: 200 }),
    pagesPerSecond: fc.integer({ min: 1, max: 20 }),
    batchMs: fc.integer({ min: 0, max: 100 }),
    inFlight: fc.integer({ min: 1, max: 5 }),
  })
  .map(
    (draw): OrganizationPeriod => ({
      accounts: draw.accounts,
      checkMs: (index) => draw.durations[index % draw.durations.length] as number,
      maximumConcurrency: draw.maximumConcurrency,
      scaling: { initial: draw.initial, addedPerMinute: draw.addedPerMinute, cap: draw.cap },
      assumesRole: (index) => index % draw.assumeEvery === 0,
      assumeRoleMs: draw.assumeRoleMs,
      stsRequestsPerSecond: draw.stsRequestsPerSecond,
      listing: {
        pageSize: draw.pageSize,
        pageMs: draw.pageMs,
        pagesPerSecond: draw.pagesPerSecond,
      },
      enqueue: { batchMs: draw.batchMs, inFlight: draw.inFlight },
    }),
  );

describe('the organization-mode model (bench/organization-model.ts)', () => {
  it('starts and ends every account when the millisecond-by-millisecond reference does', () => {
    fc.assert(
      fc.property(periods, (period) => {
        const outcome = simulatePeriod(period);
        const reference = stepByStep(period);
        expect(outcome.startedAtMs).toEqual(reference.started);
        expect(outcome.endedAtMs).toEqual(reference.ended);
        expect(outcome.finishedAtMs).toBe(Math.max(0, ...reference.ended));
      }),
      { numRuns: 300 },
    );
  });

  it('never runs more than the limit allows, and never finishes later with more concurrency', () => {
    fc.assert(
      fc.property(periods, fc.integer({ min: 1, max: 10 }), (period, more) => {
        const outcome = simulatePeriod(period);
        expect(outcome.peakConcurrency).toBeLessThanOrEqual(
          Math.min(period.maximumConcurrency, period.scaling.cap),
        );
        const wider = simulatePeriod({
          ...period,
          maximumConcurrency: period.maximumConcurrency + more,
        });
        expect(wider.finishedAtMs).toBeLessThanOrEqual(outcome.finishedAtMs);
      }),
      { numRuns: 200 },
    );
  });

  it('finds the least maximumConcurrency that fits a period', () => {
    fc.assert(
      fc.property(periods, fc.integer({ min: 1, max: 20_000 }), (period, periodMs) => {
        const least = leastConcurrencyWithin(period, periodMs);
        if (least === undefined) {
          expect(
            simulatePeriod({ ...period, maximumConcurrency: period.scaling.cap }).finishedAtMs,
          ).toBeGreaterThan(periodMs);
          return;
        }
        expect(
          simulatePeriod({ ...period, maximumConcurrency: least }).finishedAtMs,
        ).toBeLessThanOrEqual(periodMs);
        if (least > 1) {
          expect(
            simulatePeriod({ ...period, maximumConcurrency: least - 1 }).finishedAtMs,
          ).toBeGreaterThan(periodMs);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('ramps as the event source does: from the initial count, one step per 60000/added ms', () => {
    const scaling = { initial: 5, addedPerMinute: 300, cap: 1_000 };
    expect(concurrencyLimit(scaling, 100, 0)).toBe(5);
    expect(concurrencyLimit(scaling, 100, 199)).toBe(5);
    expect(concurrencyLimit(scaling, 100, 200)).toBe(6);
    expect(concurrencyLimit(scaling, 100, 60_000)).toBe(100);
    expect(concurrencyLimit(scaling, 2_000, 10 * 60_000)).toBe(1_000);
  });

  it('refuses a maximumConcurrency that is not a whole number', () => {
    fc.assert(
      fc.property(periods, fc.double({ min: 0.01, max: 100, noInteger: true }), (period, bad) => {
        expect(() => simulatePeriod({ ...period, maximumConcurrency: bad })).toThrow(RangeError);
      }),
      { numRuns: 20 },
    );
  });
});
