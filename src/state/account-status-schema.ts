/**
 * A member account's stored reachability (organization/reachability.ts, AccountStatus), as the
 * local account-status file and the table's `REACHABILITY` item hold it: input like any other
 * stored item, recognised before the engine or the CLI trusts it.
 */
import * as z from 'zod';
import { DELIVERY_TARGETS } from '../grants/pair-record.ts';
import { ACCOUNT_EVENT_KINDS, ACCOUNT_EVENT_SCHEMA } from '../organization/account-event.ts';
import type { AccountStatus } from '../organization/reachability.ts';

const accountId = z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit account id'));
const nullableString = z.nullable(z.string());
const instant = z.iso.datetime();

const accountEventSchema = z.object({
  schema: z.literal(ACCOUNT_EVENT_SCHEMA),
  eventId: z.string().check(z.minLength(1)),
  kind: z.enum(ACCOUNT_EVENT_KINDS),
  account: accountId,
  accountName: nullableString,
  observedAt: instant,
  since: instant,
  reason: z.string(),
});

/** One entry of the account's outbox (OutboxEntry<AccountEvent>). */
export const accountOutboxEntrySchema = z.object({
  event: accountEventSchema,
  claimedAt: instant,
  claimToken: z.optional(z.string()),
  /** The targets that already accepted the event; absent: none yet. */
  delivered: z.optional(z.array(z.enum(DELIVERY_TARGETS))),
});

export const accountStatusSchema = z.object({
  account: accountId,
  accountName: nullableString,
  reachable: z.boolean(),
  since: instant,
  reason: nullableString,
  streak: z.nullable(
    z.object({
      count: z.int().check(z.gte(1)),
      firstObservedAt: instant,
      reason: z.string(),
    }),
  ),
  lastObservedAt: instant,
  version: z.int().check(z.gte(1)),
  outbox: z.array(accountOutboxEntrySchema),
});

// Field for field: a change of AccountStatus that the schema misses fails to compile here.
type Parsed = z.output<typeof accountStatusSchema>;
export const asAccountStatus = (parsed: Parsed): AccountStatus => parsed;
