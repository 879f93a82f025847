import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AvailabilitySource } from '../../src/bedrock/availability-source.ts';
import type { WatchedConfig } from '../../src/config/watched-config.ts';
import {
  type CheckOutcome,
  GRANT_STATES,
  type GrantState,
  TRANSITION_KINDS,
  type TransitionEvent,
  type TransitionKind,
} from '../../src/grants/types.ts';
import { runCheck } from '../../src/monitor/run-check.ts';
import type { Notifier } from '../../src/notify/notifier.ts';
import { DynamoDbStateStore } from '../../src/state/dynamodb-state-store.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from '../support/dynalite.ts';
import { RAW_FOR } from '../support/fixtures.ts';
import { MemoryStateStore } from '../support/memory-state-store.ts';

/**
 * Exactly once, against a plain reference model of DESIGN.md's rules: over random grant
 * timelines, random check failures, duplicated runs of one schedule tick interleaved at random,
 * failed publishes and runs that die after claiming, at random times with a random claim lease,
 * the notifications that go out are exactly the transitions the model announces: none lost,
 * none false, none twice.
 */

const ACCOUNT = '210987654321';
const PAIRS = [
  { region: 'us-east-1', modelId: 'amazon.titan-text-express-v1' },
  { region: 'eu-west-1', modelId: 'amazon.titan-text-express-v1' },
  { region: 'us-east-1', modelId: 'anthropic.claude-3-sonnet-20240229-v1:0' },
] as const;

/** One run of a schedule tick: what it fails to check, and how it fails to deliver. */
interface RunFaults {
  /** Pairs (indexes) whose check fails in this run: UNKNOWN. */
  unchecked: number[];
  publishFails: boolean;
  /** The run dies after its claims are written, before it delivers anything. */
  diesAfterClaim: boolean;
}

interface Period {
  /** Milliseconds since the previous tick. */
  gapMs: number;
  /** Bedrock's answer per pair for this tick; null: every check of the pair fails. */
  answers: Array<GrantState | null>;
  /** One run, or duplicates of the tick (same observation instant). */
  runs: RunFaults[];
}

interface Timeline {
  pairCount: number;
  confirmRevocation: number;
  notify: TransitionKind[];
  leaseMs: number;
  start: number;
  periods: Period[];
}

const answer = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<GrantState>(...GRANT_STATES) },
  { weight: 2, arbitrary: fc.constantFrom<GrantState>('ENABLED', 'NOT_ENABLED') },
  { weight: 1, arbitrary: fc.constant(null) },
);

const timeline: fc.Arbitrary<Timeline> = fc
  .record({
    pairCount: fc.integer({ min: 1, max: PAIRS.length }),
    confirmRevocation: fc.integer({ min: 1, max: 4 }),
    notify: fc.subarray([...TRANSITION_KINDS]),
    leaseMs: fc.integer({ min: 1, max: 900_000 }),
    start: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2030, 0, 1) }),
    periodCount: fc.integer({ min: 1, max: 10 }),
  })
  .chain(({ pairCount, periodCount, ...rest }) =>
    fc
      .array(
        fc.record({
          gapMs: fc.integer({ min: 1, max: 3_600_000 }),
          answers: fc.array(answer, { minLength: pairCount, maxLength: pairCount }),
          runs: fc.array(
            fc.record({
              unchecked: fc.subarray([...Array(pairCount).keys()]),
              publishFails: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
              diesAfterClaim: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
            }),
            { minLength: 1, maxLength: 3 },
          ),
        }),
        { minLength: periodCount, maxLength: periodCount },
      )
      .map((periods) => ({ pairCount, ...rest, periods })),
  );

interface Announcement {
  pair: number;
  kind: TransitionKind;
  from: GrantState;
  to: GrantState;
}

/** DESIGN.md's transition rules, restated plainly: what each timeline announces. */
function referenceModel(t: Timeline): Announcement[] {
  const announced: Announcement[] = [];
  for (let pair = 0; pair < t.pairCount; pair++) {
    let state: GrantState | null = null;
    let pending = 0;
    for (const period of t.periods) {
      const observed = period.runs.some((run) => !run.unchecked.includes(pair));
      const now = observed ? period.answers[pair] : null;
      if (now === null || now === undefined) continue;
      if (state === null) {
        state = now;
        continue;
      }
      if (now === state) {
        pending = 0;
        continue;
      }
      if (state === 'ENABLED') {
        pending += 1;
        if (pending < t.confirmRevocation) continue;
      }
      announced.push({ pair, kind: kindOf(state, now), from: state, to: now });
      state = now;
      pending = 0;
    }
  }
  return announced;
}

function kindOf(from: GrantState, to: GrantState): TransitionKind {
  if (to === 'ENABLED') return 'ready';
  if (from === 'ENABLED') return 'revoked';
  if (to === 'FAILED') return 'failed';
  if (to === 'IN_PROGRESS') return 'requested';
  return 'changed';
}

class RunDied extends Error {}

/** Runs every tick of the timeline, then lets later runs deliver what is still owed. */
async function play(
  t: Timeline,
  store: StateStore,
  account: string,
  scheduler: fc.Scheduler,
): Promise<{ published: TransitionEvent[]; history: TransitionEvent[] }> {
  const published: TransitionEvent[] = [];
  const config: WatchedConfig = {
    regions: ['us-east-1'],
    models: [],
    notify: t.notify,
    confirmRevocation: t.confirmRevocation,
    lifecycleWarnings: [30, 7, 1],
    stuckAfter: '30m',
  };
  const targets = PAIRS.slice(0, t.pairCount);
  // resolveTargets(config) reads these: each pair is its own model entry.
  config.models = targets.map((pair) => ({ id: pair.modelId, regions: [pair.region] }));
  const indexOf = (region: string, modelId: string) =>
    targets.findIndex((pair) => pair.region === region && pair.modelId === modelId);

  const runOnce = (answers: Array<GrantState | null>, faults: RunFaults, at: number) => {
    const availability: AvailabilitySource = {
      async check(wanted) {
        return wanted.map((target): CheckOutcome => {
          const index = indexOf(target.region, target.modelId);
          const state = answers[index];
          if (state === null || state === undefined || faults.unchecked.includes(index)) {
            return {
              ...target,
              ok: false,
              kind: 'throttled',
              errorName: null,
              message: 'x',
              durationMs: 1,
            };
          }
          return { ...target, ok: true, raw: RAW_FOR[state], notFound: null, durationMs: 1 };
        });
      },
    };
    const notifier: Notifier = {
      async publish(event) {
        if (faults.publishFails) throw new Error('SNS is down');
        published.push(event as TransitionEvent);
      },
    };
    const runStore = interleaved(store, scheduler, faults.diesAfterClaim);
    return runCheck(
      {
        account,
        config,
        availability,
        store: runStore,
        notifier,
        deadline: Date.now() + 60_000,
        outboxLeaseMs: t.leaseMs,
      },
      new Date(at),
    ).catch((error: unknown) => {
      if (!(error instanceof RunDied)) throw error;
    });
  };

  let at = t.start;
  for (const period of t.periods) {
    at += period.gapMs;
    const tick = at;
    await scheduler.waitFor(
      Promise.all(period.runs.map((faults) => runOnce(period.answers, faults, tick))),
    );
  }
  // Later runs that can check nothing: they only take over what is still owed.
  const quiet: RunFaults = { unchecked: [], publishFails: false, diesAfterClaim: false };
  for (let drain = 0; drain < 2; drain++) {
    at += t.leaseMs + 1;
    await scheduler.waitFor(
      runOnce(
        targets.map(() => null),
        quiet,
        at,
      ),
    );
  }
  const history = await store.history({ account });
  return { published, history };
}

/** The store as one run sees it: every call a point where other runs may go first. */
function interleaved(
  store: StateStore,
  scheduler: fc.Scheduler,
  diesAfterClaim: boolean,
): StateStore {
  const turn = <T>(label: string, call: () => Promise<T>) =>
    scheduler.schedule(Promise.resolve(label)).then(call);
  return {
    load: (account) => turn('load', () => store.load(account)),
    write: (writes) => turn('write', () => store.write(writes)),
    updateOutboxEntry: (pair, entry) => turn('update', () => store.updateOutboxEntry(pair, entry)),
    appendHistory: (event) =>
      turn('history', () => {
        if (diesAfterClaim) throw new RunDied('the run died after its claims were written');
        return store.appendHistory(event);
      }),
    removeFromOutbox: (pair, eventId) =>
      turn('remove', () => store.removeFromOutbox(pair, eventId)),
    history: (query) => store.history(query),
  };
}

function announcementsOf(events: readonly TransitionEvent[]): Announcement[] {
  return events.map((event) => ({
    pair: PAIRS.findIndex((p) => p.region === event.region && p.modelId === event.modelId),
    kind: event.kind,
    from: event.from as GrantState,
    to: event.to,
  }));
}

const byPairThenOrder = (list: Announcement[]) =>
  [...list].sort((a, b) => a.pair - b.pair).map((a) => `${a.pair}:${a.kind}:${a.from}->${a.to}`);

function assertExactlyOnce(
  t: Timeline,
  outcome: { published: TransitionEvent[]; history: TransitionEvent[] },
) {
  const expected = referenceModel(t);
  const publishedIds = outcome.published.map((event) => event.eventId);
  expect(new Set(publishedIds).size).toBe(publishedIds.length);
  expect(byPairThenOrder(announcementsOf(outcome.published)).sort()).toEqual(
    byPairThenOrder(expected.filter((a) => t.notify.includes(a.kind))).sort(),
  );
  // The history holds every transition, published or not, in the order it happened per pair.
  expect(byPairThenOrder(announcementsOf(outcome.history))).toEqual(byPairThenOrder(expected));
}

describe('exactly once, against the reference model of DESIGN.md', () => {
  it('on the memory store: no alert lost, false or repeated, whatever the timeline', async () => {
    await fc.assert(
      fc.asyncProperty(timeline, fc.scheduler(), async (t, scheduler) => {
        const store = new MemoryStateStore();
        assertExactlyOnce(t, await play(t, store, ACCOUNT, scheduler));
      }),
      { numRuns: 500 },
    );
  });

  describe('on DynamoDB (dynalite)', () => {
    let dynamo: RunningDynalite;
    let store: DynamoDbStateStore;
    let client: DynamoDBClient;
    beforeAll(async () => {
      dynamo = await startDynalite();
      client = new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
      });
      store = new DynamoDbStateStore({ client, tableName: dynamo.tableName });
    });
    afterAll(async () => {
      client.destroy();
      await dynamo.close();
    });

    it('no alert lost, false or repeated, whatever the timeline', async () => {
      let accounts = 100_000_000_000;
      await fc.assert(
        fc.asyncProperty(timeline, fc.scheduler(), async (t, scheduler) => {
          // A fresh partition per timeline: the table is shared.
          accounts += 1;
          const account = String(accounts);
          assertExactlyOnce(t, await play(t, store, account, scheduler));
        }),
        { numRuns: 40 },
      );
    }, 120_000);
  });
});
