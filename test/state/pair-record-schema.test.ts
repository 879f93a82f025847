import { describe, expect, it } from 'vitest';
import type { PairRecord } from '../../src/grants/pair-record.ts';
import {
  describeInvalidRecord,
  pairRecordSchema,
  transitionEventSchema,
} from '../../src/state/pair-record-schema.ts';
import { record } from '../support/fixtures.ts';

/** Why `input` is not a pair record, as the stores report it. */
function reasonFor(input: unknown): string {
  const parsed = pairRecordSchema.safeParse(input);
  if (parsed.success) throw new Error('expected an invalid record');
  return describeInvalidRecord(parsed.error.issues);
}

const STATES = '"NOT_OFFERED"|"NOT_AUTHORIZED"|"FAILED"|"IN_PROGRESS"|"NOT_ENABLED"|"ENABLED"';

// zod's own English words, which the CLI and the logs show as they are.
describe('describeInvalidRecord', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown state', { state: 'Enabled' }, `state: Invalid option: expected one of ${STATES}`],
    ['a date that is not a datetime', { since: '2026-11-24' }, 'since: Invalid ISO datetime'],
    [
      'an empty account',
      { account: '' },
      'account: Too small: expected string to have >=1 characters',
    ],
    ['version 0', { version: 0 }, 'version: Too small: expected number to be >=1'],
    [
      'a fractional version',
      { version: 1.5 },
      'version: Invalid input: expected int, received number',
    ],
    [
      'a count given as a string',
      {
        pendingRevocation: {
          count: '1',
          state: 'ENABLED',
          firstObservedAt: '2026-11-24T09:00:00.000Z',
        },
      },
      'pendingRevocation.count: Invalid input: expected number, received string',
    ],
    [
      'raw fields of the wrong type',
      { raw: { agreement: 5, agreementError: null, authorization: null, entitlement: null } },
      'raw.agreement: Invalid input: expected string, received number; raw.region: Invalid input: expected string, received undefined',
    ],
    [
      'an outbox that is a map',
      { outbox: {} },
      'outbox: Invalid input: expected array, received object',
    ],
  ])('names the field and says what is wrong: %s', (_, change, reason) => {
    expect(reasonFor({ ...record(), ...change })).toBe(reason);
  });

  it('names the item itself when it is not an object', () => {
    expect(reasonFor('x')).toBe('(item): Invalid input: expected object, received string');
  });

  it('accepts a valid record and returns it as it was', () => {
    const valid: PairRecord = record({
      pendingRevocation: {
        count: 1,
        state: 'NOT_ENABLED',
        firstObservedAt: '2026-11-24T09:05:00.000Z',
      },
    });

    expect(pairRecordSchema.parse(valid)).toEqual(valid);
  });

  it('refuses a verification that is neither a success nor a failure', () => {
    const parsed = transitionEventSchema.safeParse({
      schema: 'bedrock-access-monitor/transition/v1',
      eventId: 'e1',
      kind: 'ready',
      account: '123456789012',
      modelId: 'amazon.titan-text-express-v1',
      region: 'us-east-1',
      from: null,
      to: 'ENABLED',
      observedAt: '2026-11-24T10:00:00.000Z',
      previousSince: null,
      raw: record().raw,
      verification: { ok: 'maybe', via: 'amazon.titan-text-express-v1' },
    });

    expect(parsed.success).toBe(false);
    expect(parsed.error && describeInvalidRecord(parsed.error.issues)).toBe(
      "verification.ok: Invalid discriminator value. Expected 'true' | 'false'",
    );
  });
});
