import fc from 'fast-check';
import type { OutboxEntry, PairRecord, PendingRevocation } from '../../src/grants/pair-record.ts';
import {
  GRANT_STATES,
  type RawAvailability,
  TRANSITION_EVENT_SCHEMA,
  TRANSITION_KINDS,
  type TransitionEvent,
  type VerificationResult,
} from '../../src/grants/types.ts';

/** Regions and models as Bedrock names them: dots, dashes and colons in the ids. */
export const REGIONS = ['us-east-1', 'us-west-2', 'eu-central-1'] as const;
export const MODEL_IDS = [
  'amazon.titan-text-express-v1',
  'anthropic.claude-3-sonnet-20240229-v1:0',
  'meta.llama3-70b-instruct-v1:0',
] as const;

export const grantState = fc.constantFrom(...GRANT_STATES);

// Plain objects, as the stores give them back: toStrictEqual tells a null prototype apart.
const PLAIN = { noNullPrototype: true } as const;

/** An instant in whole milliseconds, as the monitor writes it (toISOString). */
export const instant = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) })
  .map((time) => new Date(time).toISOString());

const DAY_MS = 86_400_000;

/**
 * An instant of the last 30 days, in whole milliseconds: what a store keeps in its history
 * (the file store drops transitions older than its retention, DynamoDB's TTL deletes them).
 */
export const recentInstant = fc
  .integer({ min: Date.now() - 30 * DAY_MS, max: Date.now() })
  .map((time) => new Date(time).toISOString());

/** Free text as Bedrock returns it in messages: any characters, empty included. */
const text = fc.string({ maxLength: 120, unit: 'grapheme' });

const availabilityValue = fc.option(
  fc.constantFrom('AVAILABLE', 'NOT_AVAILABLE', 'PENDING', 'ERROR', 'AUTHORIZED'),
);

export const rawAvailability: fc.Arbitrary<RawAvailability> = fc.record(
  {
    agreement: availabilityValue,
    agreementError: fc.option(text),
    authorization: availabilityValue,
    entitlement: availabilityValue,
    region: availabilityValue,
  },
  PLAIN,
);

export const verificationResult: fc.Arbitrary<VerificationResult> = fc.oneof(
  fc.record(
    {
      ok: fc.constant(true as const),
      via: fc.constantFrom(...MODEL_IDS),
      latencyMs: fc.nat({ max: 60_000 }),
    },
    PLAIN,
  ),
  fc.record(
    {
      ok: fc.constant(false as const),
      via: fc.constantFrom(...MODEL_IDS),
      cause: fc.constantFrom('iam-policy', 'transient', 'scp', 'agreement-pending'),
      category: fc.constantFrom('iam', 'transient', 'organization', 'agreement'),
      lasting: fc.boolean(),
      explanation: text,
      nextStep: text,
      errorName: fc.option(fc.constantFrom('AccessDeniedException', 'ThrottlingException')),
      message: text,
    },
    PLAIN,
  ),
);

/** A transition event of one pair; the verification key is absent, not undefined, when none. */
export function transitionEvent(
  pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
): fc.Arbitrary<TransitionEvent> {
  return fc
    .record({
      eventId: fc.uuid(),
      kind: fc.constantFrom(...TRANSITION_KINDS),
      from: fc.option(grantState),
      to: grantState,
      observedAt: instant,
      previousSince: fc.option(instant),
      raw: rawAvailability,
      verification: fc.option(verificationResult, { nil: undefined }),
    })
    .map(({ verification, ...event }) => ({
      schema: TRANSITION_EVENT_SCHEMA,
      ...pair,
      ...event,
      ...(verification === undefined ? {} : { verification }),
    }));
}

function outboxEntry(
  pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
): fc.Arbitrary<OutboxEntry> {
  return fc
    .record({
      event: transitionEvent(pair),
      claimedAt: instant,
      claimToken: fc.option(fc.uuid(), { nil: undefined }),
    })
    .map(({ claimToken, ...entry }) => ({
      ...entry,
      ...(claimToken === undefined ? {} : { claimToken }),
    }));
}

const pendingRevocation: fc.Arbitrary<PendingRevocation | null> = fc.option(
  fc
    .record({
      count: fc.integer({ min: 1, max: 5 }),
      state: grantState,
      firstObservedAt: instant,
      lastObservedAt: fc.option(instant, { nil: undefined }),
    })
    .map(({ lastObservedAt, ...pending }) => ({
      ...pending,
      ...(lastObservedAt === undefined ? {} : { lastObservedAt }),
    })),
);

/**
 * A pair record of `account` as any version of the engine may store it. Its outbox is in the
 * order a load gives it back: by observedAt, then eventId.
 */
export function pairRecord(account: string): fc.Arbitrary<PairRecord> {
  return fc
    .record({ region: fc.constantFrom(...REGIONS), modelId: fc.constantFrom(...MODEL_IDS) })
    .chain((key) => {
      const pair = { account, ...key };
      return fc.record(
        {
          account: fc.constant(account),
          region: fc.constant(key.region),
          modelId: fc.constant(key.modelId),
          state: grantState,
          since: instant,
          raw: rawAvailability,
          notFound: fc.option(text),
          pendingRevocation,
          version: fc.integer({ min: 1, max: 1_000_000 }),
          outbox: fc
            .uniqueArray(outboxEntry(pair), {
              maxLength: 3,
              selector: (entry) => entry.event.eventId,
            })
            .map((entries) => entries.sort(byOutboxOrder)),
        },
        PLAIN,
      );
    });
}

/** Records of distinct pairs of `account`. */
export function pairRecords(
  account: string,
  constraints: { minLength?: number; maxLength?: number } = {},
): fc.Arbitrary<PairRecord[]> {
  return fc.uniqueArray(pairRecord(account), {
    ...constraints,
    selector: (record) => `${record.region}#${record.modelId}`,
  });
}

function byOutboxOrder(a: OutboxEntry, b: OutboxEntry): number {
  return (
    a.event.observedAt.localeCompare(b.event.observedAt) ||
    a.event.eventId.localeCompare(b.event.eventId)
  );
}
