import { describe, expect, it } from 'vitest';
import { parseAvailabilityAnswer } from '../../src/bedrock/parse-availability.ts';

const ANSWER = {
  agreementAvailability: { status: 'AVAILABLE' },
  authorizationStatus: 'AUTHORIZED',
  entitlementAvailability: 'AVAILABLE',
  regionAvailability: 'AVAILABLE',
};

describe('parseAvailabilityAnswer', () => {
  it('reads the four fields, with no agreement error when Bedrock gives none', () => {
    expect(parseAvailabilityAnswer(ANSWER)).toEqual({
      ok: true,
      raw: {
        agreement: 'AVAILABLE',
        agreementError: null,
        authorization: 'AUTHORIZED',
        entitlement: 'AVAILABLE',
        region: 'AVAILABLE',
      },
    });
  });

  it('keeps the error message of a failed agreement', () => {
    const answer = { ...ANSWER, agreementAvailability: { status: 'ERROR', errorMessage: 'boom' } };

    expect(parseAvailabilityAnswer(answer)).toMatchObject({
      ok: true,
      raw: { agreement: 'ERROR', agreementError: 'boom' },
    });
  });

  it.each<[string, unknown, string]>([
    ['no body', undefined, '(body) is missing'],
    ['a body that is not an object', 'x', '(body) is "x"'],
    [
      'an empty body',
      {},
      'agreementAvailability is missing; authorizationStatus is missing; entitlementAvailability is missing; regionAvailability is missing',
    ],
    [
      'values outside the documented ones',
      { ...ANSWER, agreementAvailability: { status: 'WEIRD', errorMessage: 3 } },
      'agreementAvailability.status is "WEIRD"; agreementAvailability.errorMessage is 3',
    ],
    [
      'enums of the wrong type',
      {
        ...ANSWER,
        authorizationStatus: 'MAYBE',
        entitlementAvailability: null,
        regionAvailability: 1,
      },
      'authorizationStatus is "MAYBE"; entitlementAvailability is null; regionAvailability is 1',
    ],
    [
      'a null error message',
      { ...ANSWER, agreementAvailability: { status: 'ERROR', errorMessage: null } },
      'agreementAvailability.errorMessage is null',
    ],
  ])('names every wrong field: %s', (_, answer, problems) => {
    expect(parseAvailabilityAnswer(answer)).toEqual({
      ok: false,
      problem: `unexpected answer from Bedrock: ${problems}`,
    });
  });
});
