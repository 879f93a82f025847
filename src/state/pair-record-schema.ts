import * as z from 'zod';
import { CONFIG_EVENT_SCHEMA } from '../catalog/config-event.ts';
import { LIFECYCLE_STATUSES } from '../catalog/model-lifecycle.ts';
import { STUCK_EVENT_SCHEMA } from '../grants/decide-stuck.ts';
import { DELIVERY_TARGETS } from '../grants/pair-record.ts';
import { GRANT_STATES, TRANSITION_EVENT_SCHEMA, TRANSITION_KINDS } from '../grants/types.ts';
import {
  ANNOUNCED_DATES,
  LIFECYCLE_CHANGES,
  LIFECYCLE_EVENT_SCHEMA,
} from '../lifecycle/lifecycle-event.ts';

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
  blockedSince: z.optional(z.iso.datetime()),
});

const nullableInstant = z.nullable(z.iso.datetime());
const wholeDays = z.array(positiveInt);

/** ModelLifecycle (src/catalog/model-lifecycle.ts). */
const modelLifecycleSchema = z.object({
  status: z.enum(LIFECYCLE_STATUSES),
  startOfLifeTime: nullableInstant,
  legacyTime: nullableInstant,
  publicExtendedAccessTime: nullableInstant,
  endOfLifeTime: nullableInstant,
});

/** LifecycleEvent (src/lifecycle/lifecycle-event.ts). */
export const lifecycleEventSchema = z.object({
  schema: z.literal(LIFECYCLE_EVENT_SCHEMA),
  eventId: nonEmptyString,
  kind: z.literal('lifecycle'),
  account: nonEmptyString,
  modelId: nonEmptyString,
  region: nonEmptyString,
  what: z.enum(LIFECYCLE_CHANGES),
  which: z.enum(['startOfLifeTime', ...ANNOUNCED_DATES]),
  date: nullableInstant,
  previousDate: nullableInstant,
  leadDays: z.nullable(positiveInt),
  lifecycle: modelLifecycleSchema,
  successor: z.nullable(nonEmptyString),
  observedAt: z.iso.datetime(),
});

/** StuckEvent (src/grants/decide-stuck.ts). */
export const stuckEventSchema = z.object({
  schema: z.literal(STUCK_EVENT_SCHEMA),
  eventId: nonEmptyString,
  kind: z.literal('stuck'),
  account: nonEmptyString,
  modelId: nonEmptyString,
  region: nonEmptyString,
  state: z.literal('IN_PROGRESS'),
  since: z.iso.datetime(),
  elapsedMs: positiveInt,
  stuckAfterMs: positiveInt,
  observedAt: z.iso.datetime(),
});

/** ConfigEvent (src/catalog/config-event.ts). */
export const configEventSchema = z.object({
  schema: z.literal(CONFIG_EVENT_SCHEMA),
  eventId: nonEmptyString,
  kind: z.literal('config'),
  account: nonEmptyString,
  problem: z.literal('unknown-model'),
  modelId: nonEmptyString,
  regions: z.array(nonEmptyString),
  suggestions: z.array(nonEmptyString),
  observedAt: z.iso.datetime(),
});

/** AnnouncedEvent (src/events/announced-event.ts): told apart by its `schema`. */
export const announcedEventSchema = z.discriminatedUnion('schema', [
  transitionEventSchema,
  lifecycleEventSchema,
  stuckEventSchema,
  configEventSchema,
]);

/**
 * OutboxEntry (src/grants/pair-record.ts). Entries written before claims carried a token (and
 * when each entry stored a `publish` flag, now decided at delivery) are still read.
 */
export const outboxEntrySchema = z.object({
  event: announcedEventSchema,
  claimedAt: z.iso.datetime(),
  claimToken: z.optional(nonEmptyString),
  delivered: z.optional(z.array(z.enum(DELIVERY_TARGETS))),
});

/** StoredLifecycle (src/grants/pair-record.ts). */
const storedLifecycleSchema = z.object({
  lifecycle: modelLifecycleSchema,
  warned: z.object({ publicExtendedAccessTime: wholeDays, endOfLifeTime: wholeDays }),
  version: positiveInt,
});

/** VerificationRecord (src/grants/pair-record.ts). */
const verificationRecordSchema = z.object({
  lastAttemptAt: z.iso.datetime(),
  blockedSince: nullableInstant,
  failures: z.int().check(z.gte(0)),
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
  // Absent in items written before lifecycle, stuck, config and periodic verification.
  lifecycle: z.optional(z.nullable(storedLifecycleSchema)),
  stuckAnnouncedSince: z.optional(nullableInstant),
  unknownModelAnnounced: z.optional(z.boolean()),
  verification: z.optional(z.nullable(verificationRecordSchema)),
});

/** Why a stored item is not a usable pair record, in one line. */
export function describeInvalidRecord(
  issues: readonly Pick<z.core.$ZodIssue, 'path' | 'message'>[],
): string {
  return issues.map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`).join('; ');
}
