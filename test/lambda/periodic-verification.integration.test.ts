/**
 * Access that silently breaks, end to end: `verify: { every }` repeats the verification call
 * of an ENABLED pair; a lasting failure is one `blocked`, the first success after it one
 * `ready`; a blocked pair is re-verified with backoff, which the simulator's Converse call
 * count proves against a plain reference model. Clocks move by random, never round, steps.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { blockedRetryMs } from '../../src/monitor/periodic-verification.ts';
import { LambdaTestBed } from '../support/lambda-test-bed.ts';

const NOVA = 'amazon.nova-pro-v1:0';
const DAY_MS = 86_400_000;

function anyMs(min: number, max: number): number {
  const [value] = fc.sample(fc.integer({ min, max }), 1);
  return value ?? min;
}

function converseCalls(bed: LambdaTestBed): number {
  return bed.simulator.stats().regions['us-east-1']?.Converse?.requests ?? 0;
}

/** The instant a run observes at: the scheduled event's time, whole seconds. */
function observedAt(clock: number): number {
  return Math.floor(clock / 1000) * 1000;
}

function publishedEvents(bed: LambdaTestBed): Array<Record<string, unknown>> {
  return bed.sns.published.map(
    (p) => JSON.parse(JSON.parse(p.message).default as string) as Record<string, unknown>,
  );
}

describe('periodic verification and blocked pairs', () => {
  let bed: LambdaTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('announces blocked once when a daily verification starts failing, and ready once when it recovers', async () => {
    bed = await LambdaTestBed.start(
      `account: "123456789012"
catalog: [{ id: ${NOVA} }]
grants:
  - region: us-east-1
    model: ${NOVA}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]
    invoke: [{ at: 0, result: ok }, { at: 3, error: iam-policy }, { at: 5, result: ok }]
`,
      `regions: [us-east-1]\nmodels:\n  - id: ${NOVA}\n    verify: { every: 1d }\n`,
    );
    bed.clock += anyMs(1, 60_000);
    let handler = bed.newContainer();
    await bed.invoke(handler);
    bed.nextRun(1);
    await bed.invoke(handler); // ready, verified: 1 call
    const callsAtReady = converseCalls(bed);

    // Runs every 5 minutes for most of a day: nothing is due.
    for (let run = 0; run < 12; run++) {
      bed.clock += 5 * 60_000 + anyMs(-20_000, 20_000);
      await bed.invoke(handler);
    }
    const callsBeforeDue = converseCalls(bed);
    // A day later, still working: one call, nothing announced.
    bed.clock += DAY_MS;
    bed.simulator.setTick(2);
    await bed.invoke(handler);
    const callsAfterFirstPeriod = converseCalls(bed);
    // Another day: the call is denied; two cold containers at once.
    bed.clock += DAY_MS + anyMs(1, 60_000);
    bed.simulator.setTick(3);
    await Promise.all([1, 2].map(() => bed?.invoke(bed.newContainer())));
    // Backoff retries, still denied, then the call works again.
    bed.clock += 5 * 60_000 + anyMs(1, 20_000);
    bed.simulator.setTick(4);
    handler = bed.newContainer();
    await bed.invoke(handler);
    bed.clock += 10 * 60_000 + anyMs(1, 20_000);
    bed.simulator.setTick(5);
    await bed.invoke(handler);
    bed.clock += 5 * 60_000 + anyMs(1, 20_000);
    await bed.invoke(handler);

    expect(callsAtReady).toBe(1);
    expect(callsBeforeDue).toBe(1);
    expect(callsAfterFirstPeriod).toBe(2);
    const events = publishedEvents(bed);
    expect(events.map((e) => [e.kind, e.from, e.to])).toEqual([
      ['ready', 'IN_PROGRESS', 'ENABLED'],
      ['blocked', 'ENABLED', 'ENABLED'],
      ['ready', 'ENABLED', 'ENABLED'],
    ]);
    expect(events[1]?.verification).toMatchObject({
      ok: false,
      cause: 'iam-policy',
      lasting: true,
    });
    expect(events[2]?.blockedSince).toBe(events[1]?.observedAt);
    expect(events[2]?.verification).toMatchObject({ ok: true });
    const email = JSON.parse(bed.sns.published[2]?.message ?? '{}').email as string;
    expect(email).toContain('Bedrock model access works again: it was blocked since');
    // One call on the failing day (the overlapping runs claimed it once), one per retry.
    expect(converseCalls(bed)).toBe(5);
  });

  it('re-verifies a blocked pair with backoff, doubling up to 6 hours, without `every`', async () => {
    bed = await LambdaTestBed.start(
      `account: "123456789012"
catalog: [{ id: ${NOVA} }]
grants:
  - region: us-east-1
    model: ${NOVA}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]
    invoke: [{ at: 0, error: iam-policy }]
`,
      `regions: [us-east-1]\nmodels:\n  - id: ${NOVA}\n    verify: true\n`,
    );
    bed.clock += anyMs(1, 60_000);
    const handler = bed.newContainer();
    await bed.invoke(handler);
    bed.nextRun(1);
    await bed.invoke(handler); // ready turned blocked by its verification call
    expect(publishedEvents(bed).map((e) => e.kind)).toEqual(['blocked']);

    // The reference: after the n-th failure, the next call is due blockedRetryMs(n) later.
    let last = observedAt(bed.clock);
    let failures = 1;
    const expected: number[] = [];
    const actual: number[] = [];
    // Every 5 minutes or so for 6 hours, then every hour or so for two days.
    const steps = [
      ...Array.from({ length: 72 }, () => 5 * 60_000 + anyMs(-30_000, 30_000)),
      ...Array.from({ length: 48 }, () => 3_600_000 + anyMs(-300_000, 300_000)),
    ];
    for (const step of steps) {
      bed.clock += step;
      const at = observedAt(bed.clock);
      const due = at - last >= blockedRetryMs(failures);
      if (due) {
        last = at;
        failures += 1;
      }
      expected.push(due ? 1 : 0);
      const before = converseCalls(bed);
      await bed.invoke(handler);
      actual.push(converseCalls(bed) - before);
    }

    expect(actual).toEqual(expected);
    // The waits grew 5, 10, 20, ... minutes, and stopped growing at 6 hours.
    expect(expected.filter(Boolean).length).toBeGreaterThan(10);
    expect(blockedRetryMs(failures)).toBe(6 * 3_600_000);
    // Still blocked: announced once, never again.
    expect(publishedEvents(bed).map((e) => e.kind)).toEqual(['blocked']);
  });
});
