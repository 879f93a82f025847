import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimWrite } from '../../src/monitor/outbox.ts';
import {
  type AccountStatus,
  decideReachability,
  type ReachabilityObservation,
} from '../../src/organization/reachability.ts';

const ACCOUNT = '222222222222';
const START = Date.UTC(2026, 10, 24, 12, 0);
const PERIOD = 300_000;
const at = (period: number) => new Date(START + period * PERIOD).toISOString();

function observation(period: number, reachable: boolean): ReachabilityObservation {
  const base = { account: ACCOUNT, accountName: 'sandbox', observedAt: at(period) };
  return reachable ? { ...base, reachable } : { ...base, reachable, reason: 'AccessDenied' };
}

/** The plain model: the announcements a sequence of periods deserves, in period order. */
function expectedEvents(periods: readonly boolean[], confirm: number): string[] {
  const events: string[] = [];
  let reachable = true;
  let streak = 0;
  periods.forEach((ok, period) => {
    if (ok) {
      if (!reachable) events.push(`account-reachable@${period}`);
      reachable = true;
      streak = 0;
    } else if (reachable) {
      streak += 1;
      if (streak >= confirm) {
        events.push(`account-unreachable@${period}`);
        reachable = false;
        streak = 0;
      }
    }
  });
  return events;
}

/** Stores the decisions as a store would (conditional on the version); returns the events. */
function play(deliveries: ReadonlyArray<{ period: number; ok: boolean }>, confirm: number) {
  let stored: AccountStatus | undefined;
  const events: string[] = [];
  for (const { period, ok } of deliveries) {
    const decision = decideReachability(stored, observation(period, ok), confirm);
    const claim = claimWrite(stored, decision, {
      token: `t${period}`,
      observedAt: at(period),
      leaseCutoff: at(period - 1),
    });
    if (claim === undefined) continue;
    expect(claim.expectedVersion).toBe(stored?.version ?? 0);
    expect(claim.record.version).toBeGreaterThan(stored?.version ?? 0);
    stored = { ...claim.record, outbox: [] };
    if (decision.event) {
      const period = (Date.parse(decision.event.observedAt) - START) / PERIOD;
      events.push(`${decision.event.kind}@${period}`);
    }
  }
  return events;
}

describe('decideReachability', () => {
  it('announces unreachable after confirm periods in a row, reachable on the first period back, once each', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (periods, confirm) => {
          const inOrder = periods.map((ok, period) => ({ period, ok }));
          expect(play(inOrder, confirm)).toEqual(expectedEvents(periods, confirm));
        },
      ),
    );
  });

  it('decides nothing twice when a period is delivered again, however late within the order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (periods, confirm, repeats) => {
          // Each period once in order, and repeats of periods already seen slipped in later.
          const deliveries: Array<{ period: number; ok: boolean }> = [];
          periods.forEach((ok, period) => {
            deliveries.push({ period, ok });
            const repeat = repeats[period];
            if (repeat !== undefined) {
              const earlier = repeat % (period + 1);
              deliveries.push({ period: earlier, ok: periods[earlier] as boolean });
            }
          });
          expect(play(deliveries, confirm)).toEqual(expectedEvents(periods, confirm));
        },
      ),
    );
  });

  it('names the account and the first period of the streak in the unreachable event', () => {
    const first = decideReachability(undefined, observation(0, false), 2);
    const second = decideReachability(
      { ...(first.next as AccountStatus) },
      observation(1, false),
      2,
    );

    expect(first.event).toBeUndefined();
    expect(second.event).toMatchObject({
      kind: 'account-unreachable',
      account: ACCOUNT,
      accountName: 'sandbox',
      since: at(0),
      observedAt: at(1),
      reason: 'AccessDenied',
    });
  });
});
