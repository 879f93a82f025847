import * as z from 'zod';
import { GRANT_STATES, TRANSITION_EVENT_SCHEMA, TRANSITION_KINDS } from '../grants/types.ts';

// Stored items are input like any other: a file edited by hand or written by an older
// version must be recognised before the engine trusts it.
const grantState = z.enum(GRANT_STATES);
const nullableString = z.string().nullable();

export const rawAvailabilitySchema = z.object({
  agreement: nullableString,
  agreementError: nullableString,
  authorization: nullableString,
  entitlement: nullableString,
  region: nullableString,
});

export const transitionEventSchema = z.object({
  schema: z.literal(TRANSITION_EVENT_SCHEMA),
  eventId: z.string().min(1),
  kind: z.enum(TRANSITION_KINDS),
  account: z.string().min(1),
  modelId: z.string().min(1),
  region: z.string().min(1),
  from: grantState.nullable(),
  to: grantState,
  observedAt: z.iso.datetime(),
  previousSince: z.iso.datetime().nullable(),
  raw: rawAvailabilitySchema,
});

export const pairRecordSchema = z.object({
  account: z.string().min(1),
  region: z.string().min(1),
  modelId: z.string().min(1),
  state: grantState,
  since: z.iso.datetime(),
  raw: rawAvailabilitySchema,
  notFound: nullableString,
  pendingRevocation: z
    .object({ count: z.int().min(1), state: grantState, firstObservedAt: z.iso.datetime() })
    .nullable(),
  version: z.int().min(1),
  outbox: z.array(
    z.object({ event: transitionEventSchema, publish: z.boolean(), claimedAt: z.iso.datetime() }),
  ),
});

/** Why a stored item is not a usable pair record, in one line. */
export function describeInvalidRecord(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`)
    .join('; ');
}
