import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WatchedConfig } from '../../src/config/watched-config.ts';
import {
  BLOCKED_RETRY_BASE_MS,
  BLOCKED_RETRY_MAX_MS,
  blockedRetryMs,
  verificationDue,
} from '../../src/monitor/periodic-verification.ts';
import { record } from '../support/fixtures.ts';

const TITAN = 'amazon.titan-text-express-v1';
const config = (verify: WatchedConfig['models'][number]['verify']): WatchedConfig => ({
  regions: ['us-east-1'],
  models: [{ id: TITAN, ...(verify === undefined ? {} : { verify }) }],
  notify: ['ready', 'revoked', 'failed', 'blocked'],
  confirmRevocation: 2,
  lifecycleWarnings: [30, 7, 1],
  stuckAfter: '30m',
});
const SINCE = Date.parse('2026-11-24T09:00:00.000Z');

describe('blockedRetryMs', () => {
  it('waits the base, then twice as long after each failure, never more than 6 hours', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), (failures) => {
        // The reference: repeated doubling from the base, capped.
        let wait = BLOCKED_RETRY_BASE_MS;
        for (let n = 1; n < failures && wait < BLOCKED_RETRY_MAX_MS; n++) wait *= 2;
        expect(blockedRetryMs(failures)).toBe(Math.min(wait, BLOCKED_RETRY_MAX_MS));
      }),
    );
  });

  it('refuses a count that is not a whole number >= 0 as a programming error', () => {
    expect(() => blockedRetryMs(1.5)).toThrow(RangeError);
    expect(() => blockedRetryMs(-1)).toThrow(RangeError);
  });
});

describe('verificationDue', () => {
  it('is due once `every` has passed since the last attempt, or since the pair became ENABLED', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 86_400_000 }), (elapsed) => {
        const now = new Date(SINCE + elapsed);
        const due = verificationDue(
          record({ since: new Date(SINCE).toISOString() }),
          config({ every: '1d' }),
          now,
        );
        expect(due !== undefined).toBe(elapsed >= 86_400_000);
        if (due !== undefined) {
          expect(due).toEqual({
            lastAttemptAt: now.toISOString(),
            blockedSince: null,
            failures: 0,
          });
        }
      }),
    );
  });

  it('is never due without `every` unless the pair is blocked, nor for a pair not ENABLED or not verified', () => {
    const late = new Date(SINCE + 30 * 86_400_000);
    expect(verificationDue(record(), config(true), late)).toBeUndefined();
    expect(
      verificationDue(record({ state: 'NOT_ENABLED' }), config({ every: '1d' }), late),
    ).toBeUndefined();
    expect(verificationDue(record(), config(undefined), late)).toBeUndefined();
  });

  it('re-verifies a blocked pair after its backoff, with or without `every`', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 8 * 3_600_000 }),
        fc.constantFrom<WatchedConfig['models'][number]['verify']>(true, { every: '1d' }),
        (failures, elapsed, verify) => {
          const lastAttemptAt = new Date(SINCE + 3_600_000).toISOString();
          const blocked = record({
            verification: { lastAttemptAt, blockedSince: lastAttemptAt, failures },
          });
          const now = new Date(Date.parse(lastAttemptAt) + elapsed);
          const due = verificationDue(blocked, config(verify), now);
          expect(due !== undefined).toBe(elapsed >= blockedRetryMs(failures));
        },
      ),
    );
  });
});
