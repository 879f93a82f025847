import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
