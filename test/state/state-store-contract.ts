import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutboxEntry, PairRecord } from '../../src/grants/pair-record.ts';
import type { HistoryQuery, StateStore } from '../../src/state/state-store.ts';
import { RAW_FOR, record } from '../support/fixtures.ts';
import { DENIED, entry, event, VERIFIED } from './event-fixtures.ts';
import {
  grantState,
  MODEL_IDS,
  pairRecords,
  REGIONS,
  recentInstant,
  transitionEvent,
} from './pair-record-arbitraries.ts';

/** Storage no other test uses, and handles on it. */
export interface StoreSpace {
  /** The account the test works in; nothing else is stored under it. */
  account: string;
  /** Another account of the same storage, for what must stay apart. */
  otherAccount: string;
  /** A store over this storage: each call another handle, as another run opens it. */
  open(): StateStore;
  dispose(): Promise<void>;
}

export interface StateStoreContractOptions {
  /** Fresh, empty storage. */
  space(): Promise<StoreSpace>;
  /** Random cases per property: fewer where every operation is a request. */
  numRuns: number;
}

type PairKey = Pick<PairRecord, 'account' | 'region' | 'modelId'>;

/**
 * The StateStore contract (src/state/state-store.ts), registered as tests for one store.
 * Every store of the project runs it: test/state/state-store-contract.test.ts.
 */
export function describeStateStoreContract(name: string, options: StateStoreContractOptions) {
  const { numRuns } = options;

  /** Runs `test` in fresh storage, and disposes of it whatever happens. */
  async function inSpace<T>(test: (space: StoreSpace) => Promise<T>): Promise<T> {
    const space = await options.space();
    try {
      return await test(space);
    } finally {
      await space.dispose();
    }
  }

  describe(`the StateStore contract: ${name}`, () => {
    it('loads nothing and has no history for an account never written', () =>
      inSpace(async ({ account, otherAccount, open }) => {
        const store = open();
        await store.write([{ record: record({ account: otherAccount }), expectedVersion: 0 }]);
        await store.appendHistory(event({ account: otherAccount }));

        expect(await store.load(account)).toEqual({ records: [], skipped: [] });
        expect(await store.history({ account })).toEqual([]);
        expect(await store.write([])).toEqual([]);
      }));

    it('writes a new pair only over nothing, then only over the version it was read at', () =>
      inSpace(async ({ account, open }) => {
        const store = open();
        const first = record({ account });
        const second = record({ account, version: 2, state: 'NOT_ENABLED' });

        const created = await store.write([{ record: first, expectedVersion: 0 }]);
        const createdAgain = await store.write([
          { record: record({ account, state: 'FAILED' }), expectedVersion: 0 },
        ]);
        const updated = await open().write([{ record: second, expectedVersion: 1 }]);
        const stale = await store.write([
          { record: record({ account, version: 2, state: 'IN_PROGRESS' }), expectedVersion: 1 },
        ]);
        const ahead = await store.write([
          { record: record({ account, version: 4, state: 'IN_PROGRESS' }), expectedVersion: 3 },
        ]);

        expect([created, createdAgain, updated, stale, ahead]).toEqual([
          [true],
          [false],
          [true],
          [false],
          [false],
        ]);
        expect(await open().load(account)).toEqual({ records: [second], skipped: [] });
      }));

    it('answers a batch of writes in the order of the writes, each against its own pair', () =>
      fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(
            fc.record({
              pair: fc.record({
                region: fc.constantFrom(...REGIONS),
                modelId: fc.constantFrom(...MODEL_IDS),
              }),
              storedVersion: fc.option(fc.integer({ min: 1, max: 4 })),
              expected: fc.oneof(fc.constant('as stored' as const), fc.integer({ min: 0, max: 5 })),
              state: grantState,
            }),
            { minLength: 1, selector: ({ pair }) => `${pair.region}#${pair.modelId}` },
          ),
          (cases) =>
            inSpace(async ({ account, open }) => {
              const stored = cases.flatMap(({ pair, storedVersion }) =>
                storedVersion === null
                  ? []
                  : [record({ account, ...pair, version: storedVersion })],
              );
              await open().write(stored.map((item) => ({ record: item, expectedVersion: 0 })));
              const writes = cases.map(({ pair, storedVersion, expected, state }) => {
                const expectedVersion = expected === 'as stored' ? (storedVersion ?? 0) : expected;
                return {
                  record: record({ account, ...pair, state, version: expectedVersion + 1 }),
                  expectedVersion,
                };
              });

              const applied = await open().write(writes);

              const model = writes.map(
                ({ expectedVersion }, index) =>
                  expectedVersion === (cases[index]?.storedVersion ?? 0),
              );
              expect(applied).toEqual(model);
              const after = new Map(stored.map((item) => [keyOf(item), item]));
              writes.forEach(({ record: written }, index) => {
                if (model[index]) after.set(keyOf(written), written);
              });
              expect(sorted((await open().load(account)).records)).toEqual(
                sorted([...after.values()]),
              );
            }),
        ),
        { numRuns },
      ));

    it('lets exactly one of many concurrent writers of the same version win, and loses no other pair', () =>
      fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 2, max: 10 }),
          fc.option(fc.integer({ min: 1, max: 4 })),
          (writers, storedVersion) =>
            inSpace(async ({ account, open }) => {
              const contested = { account, region: 'us-east-1', modelId: MODEL_IDS[0] };
              if (storedVersion !== null) {
                await open().write([
                  { record: record({ ...contested, version: storedVersion }), expectedVersion: 0 },
                ]);
              }
              const expectedVersion = storedVersion ?? 0;
              const candidates = Array.from({ length: writers }, (_, writer) =>
                record({
                  ...contested,
                  version: expectedVersion + 1,
                  notFound: `writer ${writer}`,
                }),
              );
              const own = candidates.map((_, writer) =>
                record({ account, region: 'us-west-2', modelId: `amazon.writer-${writer}-v1` }),
              );

              const results = await Promise.all(
                candidates.map((candidate, writer) =>
                  open().write([
                    { record: candidate, expectedVersion },
                    { record: own[writer] as PairRecord, expectedVersion: 0 },
                  ]),
                ),
              );

              const winners = results.flatMap(([won], writer) => (won ? [writer] : []));
              expect(winners).toHaveLength(1);
              expect(results.map(([, ownApplied]) => ownApplied)).toEqual(own.map(() => true));
              const loaded = await open().load(account);
              expect(sorted(loaded.records)).toEqual(
                sorted([candidates[winners[0] as number] as PairRecord, ...own]),
              );
            }),
        ),
        { numRuns },
      ));

    it('updates an outbox entry only under the claim it was read with, and bumps the version', () =>
      inSpace(async ({ account, open }) => {
        const store = open();
        const claimed = entry(event({ account }), 'token-of-the-run');
        const other = entry(
          event({ account, kind: 'changed', observedAt: '2026-11-24T10:20:00.000Z' }),
          'token-of-another-run',
        );
        const stored = record({ account, version: 3, outbox: [claimed, other] });
        await store.write([{ record: stored, expectedVersion: 0 }]);
        const verified: OutboxEntry = {
          ...claimed,
          event: { ...claimed.event, verification: VERIFIED },
        };

        const underAnotherClaim = await store.updateOutboxEntry(stored, {
          ...verified,
          claimToken: 'token-of-a-third-run',
        });
        const afterRefusal = await store.load(account);
        const underItsClaim = await store.updateOutboxEntry(stored, verified);
        const staleWrite = await store.write([
          { record: { ...stored, version: 4, state: 'NOT_ENABLED' }, expectedVersion: 3 },
        ]);
        const absentEvent = await store.updateOutboxEntry(
          stored,
          entry(event({ account, eventId: 'never-claimed' }), 'token-of-the-run'),
        );
        const absentPair = await store.updateOutboxEntry(
          { account, region: 'ap-south-1', modelId: MODEL_IDS[0] },
          verified,
        );

        expect([underAnotherClaim, underItsClaim, staleWrite, absentEvent, absentPair]).toEqual([
          false,
          true,
          [false],
          false,
          false,
        ]);
        expect(afterRefusal.records).toEqual([stored]);
        expect((await open().load(account)).records).toEqual([
          { ...stored, version: 4, outbox: [verified, other] },
        ]);
      }));

    it('removes a delivered event once, bumps the version once, and makes a write based on the old version lose', () =>
      inSpace(async ({ account, open }) => {
        const store = open();
        const delivered = entry(event({ account }), 'token-of-the-run');
        const owed = entry(
          event({ account, kind: 'changed', observedAt: '2026-11-24T10:20:00.000Z' }),
          'token-of-the-run',
        );
        const stored = record({ account, version: 4, outbox: [delivered, owed] });
        await store.write([{ record: stored, expectedVersion: 0 }]);

        await store.removeFromOutbox(stored, delivered.event.eventId);
        await open().removeFromOutbox(stored, delivered.event.eventId);
        await store.removeFromOutbox(
          { account, region: 'ap-south-1', modelId: stored.modelId },
          delivered.event.eventId,
        );
        const staleWrite = await store.write([
          { record: { ...stored, version: 5, state: 'NOT_ENABLED' }, expectedVersion: 4 },
        ]);

        expect(staleWrite).toEqual([false]);
        expect(await open().load(account)).toEqual({
          records: [{ ...stored, version: 5, outbox: [owed] }],
          skipped: [],
        });
      }));

    it('records each event once, and gives the history back oldest first, filtered', () =>
      fc.assert(
        fc.asyncProperty(
          fc
            .uniqueArray(
              fc
                .record({
                  region: fc.constantFrom(...REGIONS),
                  modelId: fc.constantFrom(...MODEL_IDS),
                })
                .chain((pair) => transitionEvent({ account: ACCOUNT_PLACEHOLDER, ...pair }))
                .chain((drawn) => recentInstant.map((observedAt) => ({ ...drawn, observedAt }))),
              { minLength: 1, maxLength: 6, selector: (drawn) => drawn.observedAt },
            )
            .chain((events) =>
              fc.tuple(
                fc.shuffledSubarray(events, { minLength: events.length }),
                fc.subarray(events),
              ),
            ),
          fc.record(
            {
              modelId: fc.constantFrom(...MODEL_IDS),
              region: fc.constantFrom(...REGIONS),
              since: recentInstant,
            },
            { requiredKeys: [], noNullPrototype: true },
          ),
          ([appendOrder, repeated], filters) =>
            inSpace(async ({ account, otherAccount, open }) => {
              const store = open();
              const events = appendOrder.map((drawn) => ({ ...drawn, account }));
              const repeats = repeated.map((drawn) => ({ ...drawn, account }));
              for (const appended of [...events, ...repeats]) await store.appendHistory(appended);
              await store.appendHistory(event({ account: otherAccount }));
              const query: HistoryQuery = { account, ...filters };

              const history = await open().history(query);

              const model = events
                .filter((e) => filters.modelId === undefined || e.modelId === filters.modelId)
                .filter((e) => filters.region === undefined || e.region === filters.region)
                .filter((e) => filters.since === undefined || e.observedAt >= filters.since)
                .sort((a, b) => a.observedAt.localeCompare(b.observedAt));
              expect(history).toEqual(model);
            }),
        ),
        { numRuns },
      ));

    it('gives back every record exactly as written: claim tokens, verifications, revocation counts', () =>
      inSpace(async ({ account, open }) => {
        const verified = entry(event({ account, verification: VERIFIED }), 'token-of-the-run');
        const denied = entry(
          event({
            account,
            kind: 'blocked',
            verification: DENIED,
            observedAt: '2026-11-24T10:10:00.000Z',
          }),
          'token-of-the-run',
        );
        const claimedBeforeTokens = event({ account, observedAt: '2026-11-24T10:15:00.000Z' });
        const unclaimed: OutboxEntry = {
          event: claimedBeforeTokens,
          claimedAt: claimedBeforeTokens.observedAt,
        };
        const written = [
          record({ account, version: 7, outbox: [verified, denied, unclaimed] }),
          record({
            account,
            region: 'us-west-2',
            pendingRevocation: {
              count: 1,
              state: 'NOT_ENABLED',
              firstObservedAt: '2026-11-24T10:05:00.000Z',
              lastObservedAt: '2026-11-24T10:05:00.000Z',
            },
          }),
          record({
            account,
            region: 'eu-central-1',
            state: 'NOT_OFFERED',
            raw: { ...RAW_FOR.NOT_OFFERED, agreement: null, authorization: null },
            notFound: 'The provided model identifier is invalid.',
            pendingRevocation: {
              count: 2,
              state: 'FAILED',
              firstObservedAt: '2026-11-24T10:05:00.000Z',
            },
          }),
        ];

        expect(
          await open().write(written.map((item) => ({ record: item, expectedVersion: 0 }))),
        ).toEqual([true, true, true]);

        const loaded = await open().load(account);
        expect(loaded.skipped).toEqual([]);
        expect(sorted(loaded.records)).toStrictEqual(sorted(written));
      }));

    it('gives back any record exactly as written (random records)', () =>
      fc.assert(
        fc.asyncProperty(
          pairRecords(ACCOUNT_PLACEHOLDER, { minLength: 1, maxLength: 4 }),
          (drawn) =>
            inSpace(async ({ account, open }) => {
              const written = drawn.map((item) => inAccount(item, account));

              const applied = await open().write(
                written.map((item) => ({ record: item, expectedVersion: 0 })),
              );

              expect(applied).toEqual(written.map(() => true));
              const loaded = await open().load(account);
              expect(loaded.skipped).toEqual([]);
              expect(sorted(loaded.records)).toStrictEqual(sorted(written));
            }),
        ),
        { numRuns },
      ));
  });
}

/** The account random records are drawn for; each test moves them to its own (inAccount). */
const ACCOUNT_PLACEHOLDER = '000000000000';

function inAccount(item: PairRecord, account: string): PairRecord {
  return {
    ...item,
    account,
    outbox: item.outbox.map((owed) => ({ ...owed, event: { ...owed.event, account } })),
  };
}

function keyOf(pair: PairKey): string {
  return `${pair.account}#${pair.region}#${pair.modelId}`;
}

/** Records in key order: stores list them in an order of their own. */
function sorted(records: readonly PairRecord[]): PairRecord[] {
  return [...records].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}
