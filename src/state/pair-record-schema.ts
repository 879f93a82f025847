import * as z from 'zod';
import { GRANT_STATES, TRANSITION_EVENT_SCHEMA, TRANSITION_KINDS } from '../grants/types.ts';

// Stored items are input like any other: a file edited by hand or written by an older
// version must be recognised before the engine trusts it.
const grantState = z.enum(GRANT_STATES);
const nullableString = z.nullable(z.string());
const nonEmptyString = z.string().check(z.minLength(1));
const positiveInt = z.int().check(z.gte(1));

export const rawAvailabilitySchema = z.object({
  agreement: nullableString,
  agreementError: nullableString,
  authorization: nullableString,
  entitlement: nullableString,
  region: nullableString,
});

/** VerificationResult (src/grants/types.ts), field for field. */
const verificationResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), via: z.string(), latencyMs: z.number() }),
  z.object({
    ok: z.literal(false),
    via: z.string(),
    cause: z.string(),
    category: z.string(),
    lasting: z.boolean(),
    explanation: z.string(),
    nextStep: z.string(),
    errorName: nullableString,
    message: z.string(),
  }),
]);

export const transitionEventSchema = z.object({
  schema: z.literal(TRANSITION_EVENT_SCHEMA),
  eventId: nonEmptyString,
  kind: z.enum(TRANSITION_KINDS),
  account: nonEmptyString,
  modelId: nonEmptyString,
  region: nonEmptyString,
  from: z.nullable(grantState),
  to: grantState,
  observedAt: z.iso.datetime(),
  previousSince: z.nullable(z.iso.datetime()),
  raw: rawAvailabilitySchema,
  // Declared, or parsing strips it: an outbox entry read back would lose it, and the
  // notification a later run publishes for it would lack the verification line.
  verification: z.optional(verificationResultSchema),
});

/**
 * OutboxEntry (src/grants/pair-record.ts). Entries written before claims carried a token (and
 * when each entry stored a `publish` flag, now decided at delivery) are still read.
 */
export const outboxEntrySchema = z.object({
  event: transitionEventSchema,
  claimedAt: z.iso.datetime(),
  claimToken: z.optional(nonEmptyString),
});

export const pairRecordSchema = z.object({
  account: nonEmptyString,
  region: nonEmptyString,
  modelId: nonEmptyString,
  state: grantState,
  since: z.iso.datetime(),
  raw: rawAvailabilitySchema,
  notFound: nullableString,
  pendingRevocation: z.nullable(
    z.object({
      count: positiveInt,
      state: grantState,
      firstObservedAt: z.iso.datetime(),
      lastObservedAt: z.optional(z.iso.datetime()),
    }),
  ),
  version: positiveInt,
  outbox: z.array(outboxEntrySchema),
});

/** Why a stored item is not a usable pair record, in one line. */
export function describeInvalidRecord(
  issues: readonly Pick<z.core.$ZodIssue, 'path' | 'message'>[],
): string {
  return issues.map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`).join('; ');
}
