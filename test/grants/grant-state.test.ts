import { describe, expect, it } from 'vitest';
import { deriveGrantState } from '../../src/grants/grant-state.ts';
import type { GrantState, RawAvailability } from '../../src/grants/types.ts';

const ENABLED_RAW: RawAvailability = {
  agreement: 'AVAILABLE',
  agreementError: null,
  authorization: 'AUTHORIZED',
  entitlement: 'AVAILABLE',
  region: 'AVAILABLE',
};

const answer = (fields: Partial<RawAvailability>) => ({
  raw: { ...ENABLED_RAW, ...fields },
  notFound: null,
});

describe('deriveGrantState', () => {
  // One row per line of DESIGN.md's table, plus the precedence between rows.
  const rows: Array<
    [string, ReturnType<typeof answer> | { raw: RawAvailability; notFound: string }, GrantState]
  > = [
    ['region NOT_AVAILABLE is NOT_OFFERED', answer({ region: 'NOT_AVAILABLE' }), 'NOT_OFFERED'],
    [
      'a 404 for the model in the region is NOT_OFFERED',
      {
        raw: {
          agreement: null,
          agreementError: null,
          authorization: null,
          entitlement: null,
          region: null,
        },
        notFound: 'The specified model could not be found.',
      },
      'NOT_OFFERED',
    ],
    [
      'authorization NOT_AUTHORIZED is NOT_AUTHORIZED',
      answer({ authorization: 'NOT_AUTHORIZED' }),
      'NOT_AUTHORIZED',
    ],
    [
      'agreement ERROR is FAILED',
      answer({ agreement: 'ERROR', agreementError: 'Payment declined' }),
      'FAILED',
    ],
    ['agreement PENDING is IN_PROGRESS', answer({ agreement: 'PENDING' }), 'IN_PROGRESS'],
    [
      'agreement NOT_AVAILABLE is NOT_ENABLED',
      answer({ agreement: 'NOT_AVAILABLE' }),
      'NOT_ENABLED',
    ],
    [
      'entitlement NOT_AVAILABLE is NOT_ENABLED',
      answer({ entitlement: 'NOT_AVAILABLE' }),
      'NOT_ENABLED',
    ],
    ['everything AVAILABLE and AUTHORIZED is ENABLED', answer({}), 'ENABLED'],
    [
      'NOT_OFFERED wins over every other field',
      answer({ region: 'NOT_AVAILABLE', authorization: 'NOT_AUTHORIZED', agreement: 'ERROR' }),
      'NOT_OFFERED',
    ],
    [
      'NOT_AUTHORIZED wins over an agreement ERROR',
      answer({ authorization: 'NOT_AUTHORIZED', agreement: 'ERROR' }),
      'NOT_AUTHORIZED',
    ],
    [
      'FAILED wins over a missing entitlement',
      answer({ agreement: 'ERROR', entitlement: 'NOT_AVAILABLE' }),
      'FAILED',
    ],
    [
      'IN_PROGRESS wins over a missing entitlement',
      answer({ agreement: 'PENDING', entitlement: 'NOT_AVAILABLE' }),
      'IN_PROGRESS',
    ],
  ];

  it.each(rows)('%s', (_name, observation, expected) => {
    expect(deriveGrantState(observation)).toBe(expected);
  });
});
