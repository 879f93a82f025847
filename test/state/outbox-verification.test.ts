import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WatchedConfig } from '../../src/config/watched-config.ts';
import type { PairRecord } from '../../src/grants/pair-record.ts';
import {
  TRANSITION_EVENT_SCHEMA,
  type TransitionEvent,
  type VerificationResult,
} from '../../src/grants/types.ts';
import { type MonitorDeps, runCheck } from '../../src/monitor/run-check.ts';
import {
  readHistoryItem,
  readStateItem,
  toHistoryItem,
  toStateItem,
} from '../../src/state/dynamodb-items.ts';
import { DynamoDbStateStore } from '../../src/state/dynamodb-state-store.ts';
import { FileStateStore } from '../../src/state/file-state-store.ts';
import type { Verifier } from '../../src/verify/converse-verifier.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from '../support/dynalite.ts';
import { ACCOUNT, ENABLED_RAW, record, temporaryDirectory } from '../support/fixtures.ts';
import { RecordingNotifier } from '../support/recording-notifier.ts';
import { ScriptedAvailability } from '../support/scripted-availability.ts';

// An outbox entry outlives the run that claimed it when SNS fails: the next run publishes it
// from what the store gives back, so the store must give back the verification too.

const TITAN = 'amazon.titan-text-express-v1';
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

const VERIFIED: VerificationResult = { ok: true, via: `us.${TITAN}`, latencyMs: 412 };
const DENIED: VerificationResult = {
  ok: false,
  via: TITAN,
  cause: 'iam-policy',
  category: 'iam',
  lasting: true,
  explanation: 'The IAM policies of the calling role do not allow bedrock:InvokeModel.',
  nextStep: "Allow bedrock:InvokeModel on the model's ARN, then retry.",
  errorName: 'AccessDeniedException',
  message: 'User is not authorized to perform: bedrock:InvokeModel',
};
const TIMED_OUT: VerificationResult = {
  ...DENIED,
  cause: 'transient',
  category: 'transient',
  lasting: false,
  errorName: null,
  message: 'socket hang up',
};

function event(
  eventId: string,
  verification: VerificationResult,
  change: Partial<TransitionEvent> = {},
): TransitionEvent {
  return {
    schema: TRANSITION_EVENT_SCHEMA,
    eventId,
    kind: verification.ok || !verification.lasting ? 'ready' : 'blocked',
    account: ACCOUNT,
    modelId: TITAN,
    region: 'us-east-1',
    from: 'IN_PROGRESS',
    to: 'ENABLED',
    observedAt: '2026-11-24T10:05:00.000Z',
    previousSince: '2026-11-24T09:00:00.000Z',
    raw: ENABLED_RAW,
    verification,
    ...change,
  };
}

/** A record of TITAN owing three notifications, one per shape of verification. */
function owing(account = ACCOUNT): PairRecord {
  const events = [
    event('e-verified', VERIFIED, { account }),
    event('e-denied', DENIED, { account, observedAt: '2026-11-24T10:10:00.000Z' }),
    event('e-timed-out', TIMED_OUT, { account, observedAt: '2026-11-24T10:15:00.000Z' }),
  ];
  return record({
    account,
    outbox: events.map((e) => ({ event: e, publish: true, claimedAt: e.observedAt })),
  });
}

describe('the verification of an owed notification, stored and read back', () => {
  it('survives the DynamoDB item round trip (toStateItem, readStateItem)', () => {
    const stored = owing();

    const reading = readStateItem(toStateItem(stored));

    expect(reading).toEqual({ ok: true, value: stored });
    expect(reading.ok && reading.value.outbox.map((entry) => entry.event.verification)).toEqual([
      VERIFIED,
      DENIED,
      TIMED_OUT,
    ]);
  });

  it('survives the history item round trip (toHistoryItem, readHistoryItem)', () => {
    for (const verification of [VERIFIED, DENIED, TIMED_OUT]) {
      const recorded = event('e1', verification);
      expect(readHistoryItem(toHistoryItem(recorded, 90))).toEqual({ ok: true, value: recorded });
    }
  });

  it('refuses a stored verification of another shape, naming the field', () => {
    const stored = owing();
    const [first] = stored.outbox;
    if (first === undefined) throw new Error('owing() owes nothing');
    const item = toStateItem({
      ...stored,
      outbox: [
        {
          ...first,
          event: { ...first.event, verification: { ...VERIFIED, latencyMs: 'fast' as never } },
        },
      ],
    });

    expect(readStateItem(item)).toEqual({
      ok: false,
      reason: `outbox.${first.event.eventId}.event.verification.latencyMs: Invalid input: expected number, received string`,
    });
  });

  it('keeps an event without verification as it was, with no verification key', () => {
    const { verification: _, ...plain } = event('e1', VERIFIED);
    const stored = record({
      outbox: [{ event: plain, publish: true, claimedAt: plain.observedAt }],
    });

    const reading = readStateItem(toStateItem(stored));

    expect(reading).toEqual({ ok: true, value: stored });
    expect(reading.ok && reading.value.outbox[0]?.event).not.toHaveProperty('verification');
  });
});

describe('DynamoDbStateStore keeps the verification (dynalite)', () => {
  let db: RunningDynalite;
  let baseClient: DynamoDBClient;
  let documentClient: DynamoDBDocumentClient;
  let accounts = 0;
  const freshAccount = () => String(230_000_000_000 + ++accounts);

  beforeAll(async () => {
    db = await startDynalite();
    baseClient = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    documentClient = DynamoDBDocumentClient.from(baseClient);
  });

  afterAll(async () => {
    baseClient.destroy();
    await db.close();
  });

  const newStore = () =>
    new DynamoDbStateStore({ client: documentClient, tableName: db.tableName });

  it('in the outbox of a stored record, and in the history', async () => {
    const account = freshAccount();
    const stored = owing(account);
    const events = stored.outbox.map((entry) => entry.event);
    const store = newStore();

    expect(await store.put(stored, 0)).toBe(true);
    for (const e of events) await store.appendHistory(e);
    const reread = newStore();

    expect(await reread.load(account)).toEqual({ records: [stored], skipped: [] });
    expect(await reread.history({ account })).toEqual(events);
  });

  it('so a later run publishes an owed notification with its verification', async () => {
    const account = freshAccount();
    const config: WatchedConfig = {
      regions: ['us-east-1'],
      models: [{ id: CLAUDE, verify: { inferenceProfile: `us.${CLAUDE}` } }],
      notify: ['ready', 'revoked', 'failed', 'blocked'],
      confirmRevocation: 2,
      lifecycleWarnings: [30, 7, 1],
      stuckAfter: '30m',
    };
    const availability = new ScriptedAvailability();
    const notifier = new RecordingNotifier();
    const verification: VerificationResult = { ok: true, via: `us.${CLAUDE}`, latencyMs: 380 };
    const verifier: Verifier = { verify: async () => verification };
    const deps: MonitorDeps = {
      account,
      config,
      availability,
      store: newStore(),
      notifier,
      verifier,
      deadline: Date.now() + 60_000,
    };
    availability.set('us-east-1', CLAUDE, 'IN_PROGRESS');
    await runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, 0)));
    availability.set('us-east-1', CLAUDE, 'ENABLED');
    notifier.failNext = 1;

    const failed = await runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, 5)));
    // A fresh store, as a later Lambda invocation has: it knows only what DynamoDB holds.
    const retried = await runCheck(
      { ...deps, store: newStore() },
      new Date(Date.UTC(2026, 10, 24, 10, 10)),
    );

    expect(failed.transitions).toEqual([
      expect.objectContaining({ kind: 'ready', modelId: CLAUDE, verification }),
    ]);
    expect(failed.notifications).toEqual({ published: 0, failed: 1 });
    expect(retried.notifications).toEqual({ published: 1, failed: 0 });
    expect(notifier.published).toEqual(failed.transitions);
    expect(notifier.published[0]?.verification).toEqual(verification);
  });
});

describe('FileStateStore keeps the verification', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let path: string;
  beforeEach(async () => {
    dir = await temporaryDirectory();
    path = join(dir.path, 'state.json');
  });
  afterEach(() => dir.remove());

  it('in the outbox of a stored record, and in the history', async () => {
    const stored = owing();
    const events = stored.outbox.map((entry) => entry.event);
    const store = new FileStateStore(path);
    await store.load(ACCOUNT);

    await store.put(stored, 0);
    for (const e of events) await store.appendHistory(e);
    await store.flush();
    const reread = new FileStateStore(path);

    expect(await reread.load(ACCOUNT)).toEqual({ records: [stored], skipped: [] });
    expect(await reread.history({ account: ACCOUNT })).toEqual(events);
  });
});
