import * as z from 'zod';
import type { RawAvailability } from '../grants/types.ts';
import { describeAnswerProblems } from './answer-problems.ts';

// The SDK's REST-JSON deserializer does not check required members or enum values: a 200
// with missing or unknown fields arrives as undefined or as any string. Anything outside the
// documented values is a malformed answer, never a state.
const availabilityAnswer = z.object({
  agreementAvailability: z.object({
    status: z.enum(['AVAILABLE', 'PENDING', 'NOT_AVAILABLE', 'ERROR']),
    errorMessage: z.optional(z.string()),
  }),
  authorizationStatus: z.enum(['AUTHORIZED', 'NOT_AUTHORIZED']),
  entitlementAvailability: z.enum(['AVAILABLE', 'NOT_AVAILABLE']),
  regionAvailability: z.enum(['AVAILABLE', 'NOT_AVAILABLE']),
});

export type ParsedAvailability =
  | { ok: true; raw: RawAvailability }
  | { ok: false; problem: string };

/** Reads a GetFoundationModelAvailability answer; says which field is wrong when it is. */
export function parseAvailabilityAnswer(answer: unknown): ParsedAvailability {
  const result = availabilityAnswer.safeParse(answer);
  if (!result.success) {
    return { ok: false, problem: describeAnswerProblems(answer, result.error.issues) };
  }
  const body = result.data;
  return {
    ok: true,
    raw: {
      agreement: body.agreementAvailability.status,
      agreementError: body.agreementAvailability.errorMessage ?? null,
      authorization: body.authorizationStatus,
      entitlement: body.entitlementAvailability,
      region: body.regionAvailability,
    },
  };
}

export const NOT_FOUND_RAW: RawAvailability = {
  agreement: null,
  agreementError: null,
  authorization: null,
  entitlement: null,
  region: null,
};
