import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runBudget } from '../../src/lambda/create-monitor-handler.ts';
import { anyRemainingMs } from '../support/lambda-context.ts';

/**
 * Any remaining time Lambda may report (an integer from 1 ms to 15 minutes) at any clock: a
 * fractional duration reaching AbortSignal.timeout once made three runs in four check nothing.
 */
describe('runBudget', () => {
  it('derives whole milliseconds that end the Bedrock calls in time and outlast the run', () => {
    fc.assert(
      fc.property(
        // A quarter of a remaining time: fractional three times in four, as in the shipped defect.
        fc.oneof(
          anyRemainingMs,
          anyRemainingMs.map((ms) => ms / 4),
        ),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (remaining, now) => {
          const { deadline, outboxLeaseMs } = runBudget(remaining, now);

          expect(Number.isInteger(deadline)).toBe(true);
          expect(Number.isInteger(outboxLeaseMs)).toBe(true);
          // At least 5 s, or a quarter of the time, is left to save and publish.
          expect(now + remaining - deadline).toBeGreaterThanOrEqual(Math.min(5_000, remaining));
          expect(now + remaining - deadline).toBeGreaterThanOrEqual(Math.floor(remaining / 4));
          expect(outboxLeaseMs).toBeGreaterThan(remaining);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
