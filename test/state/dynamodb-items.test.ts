import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SAMPLE_CONFIG_EVENT,
  SAMPLE_LIFECYCLE_EVENT,
  SAMPLE_STUCK_EVENT,
} from '../../src/notify/readme-examples.ts';
import {
  readHistoryItem,
  readStateItem,
  toHistoryItem,
  toStateItem,
} from '../../src/state/dynamodb-items.ts';
import { ACCOUNT, record } from '../support/fixtures.ts';
import { entry, event, VERIFIED } from './event-fixtures.ts';
import { pairRecord, transitionEvent } from './pair-record-arbitraries.ts';

// The DynamoDB item of a pair record and of a transition, without a table: the outbox becomes
// a map keyed by eventId, so one delivered entry can be removed by itself.

describe('toStateItem and readStateItem', () => {
  it('give back any record exactly, its outbox in observation order', () => {
    fc.assert(
      fc.property(pairRecord(ACCOUNT), fc.boolean(), (written, reversed) => {
        const shuffled = reversed ? { ...written, outbox: [...written.outbox].reverse() } : written;

        expect(readStateItem(toStateItem(shuffled))).toStrictEqual({ ok: true, value: written });
      }),
      { numRuns: 300 },
    );
  });

  it('keep an event without verification as it was, with no verification key', () => {
    const { verification: _, ...plain } = event({ verification: VERIFIED });
    const stored = record({ outbox: [entry(plain, 'run-a')] });

    const reading = readStateItem(toStateItem(stored));

    expect(reading).toStrictEqual({ ok: true, value: stored });
    expect(reading.ok && reading.value.outbox[0]?.event).not.toHaveProperty('verification');
  });

  it('refuse a stored verification of another shape, naming the entry by its eventId', () => {
    const owed = entry(event({ verification: VERIFIED }), 'run-a');
    const item = toStateItem(
      record({
        outbox: [
          {
            ...owed,
            event: { ...owed.event, verification: { ...VERIFIED, latencyMs: 'fast' } as never },
          },
        ],
      }),
    );

    expect(readStateItem(item)).toEqual({
      ok: false,
      reason: `outbox.${owed.event.eventId}.event.verification.latencyMs: Invalid input: expected number, received string`,
    });
  });

  it('refuse an entry filed under another eventId, and an item whose key does not match it', () => {
    const owed = entry(event(), 'run-a');
    const item = toStateItem(record({ outbox: [owed] }));

    expect(readStateItem({ ...item, outbox: { misfiled: owed } })).toEqual({
      ok: false,
      reason: "outbox.misfiled: the entry's eventId is not its key",
    });
    expect(readStateItem({ ...item, region: 'us-west-2' })).toEqual({
      ok: false,
      reason: `its key does not match its fields (they make pk=ACCOUNT#${ACCOUNT} sk=STATE#us-west-2#amazon.titan-text-express-v1)`,
    });
  });
});

describe('the pair item with lifecycle, stuck, config and verification state', () => {
  const onPair = { account: ACCOUNT, region: 'us-east-1', modelId: 'amazon.titan-text-express-v1' };
  const lifecycle = { ...SAMPLE_LIFECYCLE_EVENT, ...onPair };
  const stuck = { ...SAMPLE_STUCK_EVENT, ...onPair };
  const config = { ...SAMPLE_CONFIG_EVENT, account: ACCOUNT };
  const stored = record({
    lifecycle: {
      lifecycle: lifecycle.lifecycle,
      warned: { publicExtendedAccessTime: [30, 7], endOfLifeTime: [] },
      version: 2,
    },
    stuckAnnouncedSince: '2026-11-24T08:00:00.000Z',
    unknownModelAnnounced: true,
    verification: {
      lastAttemptAt: '2026-11-24T09:30:00.000Z',
      blockedSince: '2026-11-24T09:30:00.000Z',
      failures: 3,
    },
    // In the order an item is read back: observation time, then eventId.
    outbox: [
      { event: stuck, claimedAt: stuck.observedAt, claimToken: 'run-a' },
      {
        event: lifecycle,
        claimedAt: lifecycle.observedAt,
        claimToken: 'run-a',
        delivered: ['sns'],
      },
      {
        event: config,
        claimedAt: config.observedAt,
        claimToken: 'run-a',
        delivered: ['eventbridge'],
      },
    ],
  });

  it('gives back every field and every kind of outbox entry, with the targets already delivered', () => {
    expect(readStateItem(toStateItem(stored))).toStrictEqual({ ok: true, value: stored });
  });

  it('reads an item written before them: none of the fields, and none written back', () => {
    const item = toStateItem(record());

    expect(item).not.toHaveProperty('lifecycle');
    expect(item).not.toHaveProperty('verification');
    expect(readStateItem(item)).toStrictEqual({ ok: true, value: record() });
  });

  it('refuses a lifecycle, a verification or a delivery target of another shape, saying where', () => {
    const item = toStateItem(stored);
    const bad = (change: Record<string, unknown>) => readStateItem({ ...item, ...change });

    expect(
      bad({
        lifecycle: {
          ...stored.lifecycle,
          lifecycle: { ...lifecycle.lifecycle, status: 'RETIRED' },
        },
      }),
    ).toEqual({
      ok: false,
      reason: 'lifecycle.lifecycle.status: Invalid option: expected one of "ACTIVE"|"LEGACY"',
    });
    expect(bad({ verification: { ...stored.verification, failures: -1 } })).toEqual({
      ok: false,
      reason: 'verification.failures: Too small: expected number to be >=0',
    });
    const outbox = item.outbox as Record<string, Record<string, unknown>>;
    expect(
      bad({
        outbox: { ...outbox, [stuck.eventId]: { ...outbox[stuck.eventId], delivered: ['sqs'] } },
      }),
    ).toEqual({
      ok: false,
      reason: `outbox.${stuck.eventId}.delivered.0: Invalid option: expected one of "sns"|"eventbridge"`,
    });
  });
});

describe('toHistoryItem and readHistoryItem', () => {
  it('give back any transition exactly, verification included', () => {
    fc.assert(
      fc.property(
        transitionEvent({
          account: ACCOUNT,
          region: 'us-east-1',
          modelId: 'amazon.titan-text-express-v1',
        }),
        (recorded) => {
          expect(readHistoryItem(toHistoryItem(recorded, 90))).toStrictEqual({
            ok: true,
            value: recorded,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
