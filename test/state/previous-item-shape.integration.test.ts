import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchedConfig } from '../../src/config/watched-config.ts';
import { type MonitorDeps, runCheck } from '../../src/monitor/run-check.ts';
import { DynamoDbStateStore } from '../../src/state/dynamodb-state-store.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from '../support/dynalite.ts';
import { RecordingNotifier } from '../support/recording-notifier.ts';
import { ScriptedAvailability } from '../support/scripted-availability.ts';

// An upgrade deploys new code over a table the previous version wrote. These items are what
// that version wrote, in its shape, frozen here: toStateItem and toHistoryItem of
// src/state/dynamodb-items.ts as of commit a90e2d1 (itemVersion 1, a transition event without
// the `verification` field that came later, an outbox entry with the `publish` flag and without
// the claim token that came later). A state item whose notification the previous
// version claimed but did not publish (SNS failed) is the hardest case: the new code must read
// the owed event and deliver it.

const ACCOUNT = '210999999999';
const MODEL = 'anthropic.claude-3-sonnet-20240229-v1:0';
const EVENT_ID = '5a1e2f7c-0b7d-4e53-9d6a-1c2b3d4e5f60';
const RAW = {
  agreement: 'AVAILABLE',
  agreementError: null,
  authorization: 'AUTHORIZED',
  entitlement: 'AVAILABLE',
  region: 'AVAILABLE',
};
const PREVIOUS_EVENT = {
  schema: 'bedrock-access-monitor/transition/v1',
  eventId: EVENT_ID,
  kind: 'ready',
  account: ACCOUNT,
  modelId: MODEL,
  region: 'us-east-1',
  from: 'IN_PROGRESS',
  to: 'ENABLED',
  observedAt: '2026-11-20T08:05:00.000Z',
  previousSince: '2026-11-20T07:40:00.000Z',
  raw: RAW,
};
const PREVIOUS_STATE_ITEM = {
  pk: `ACCOUNT#${ACCOUNT}`,
  sk: `STATE#us-east-1#${MODEL}`,
  itemType: 'state',
  itemVersion: 1,
  account: ACCOUNT,
  region: 'us-east-1',
  modelId: MODEL,
  state: 'ENABLED',
  since: '2026-11-20T08:05:00.000Z',
  raw: RAW,
  notFound: null,
  pendingRevocation: null,
  version: 2,
  outbox: {
    [EVENT_ID]: { event: PREVIOUS_EVENT, publish: true, claimedAt: '2026-11-20T08:05:01.000Z' },
  },
};
const PREVIOUS_HISTORY_ITEM = {
  ...PREVIOUS_EVENT,
  pk: `ACCOUNT#${ACCOUNT}`,
  sk: `HISTORY#2026-11-20T08:05:00.000Z#${EVENT_ID}`,
  itemType: 'history',
  itemVersion: 1,
  expiresAt: Math.floor(Date.parse('2026-11-20T08:05:00.000Z') / 1000) + 90 * 86_400,
};

let db: RunningDynalite;
let client: DynamoDBDocumentClient;

beforeAll(async () => {
  db = await startDynalite();
  client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    }),
  );
  for (const Item of [PREVIOUS_STATE_ITEM, PREVIOUS_HISTORY_ITEM]) {
    await client.send(new PutCommand({ TableName: db.tableName, Item }));
  }
});

afterAll(async () => {
  client.destroy();
  await db.close();
});

const newStore = () => new DynamoDbStateStore({ client, tableName: db.tableName });

describe('items the previous version stored', () => {
  it('are read by this version: the state, its owed event, and the history', async () => {
    const store = newStore();

    const loaded = await store.load(ACCOUNT);
    const history = await store.history({ account: ACCOUNT });

    expect(loaded.skipped).toEqual([]);
    expect(loaded.records).toEqual([
      expect.objectContaining({
        modelId: MODEL,
        state: 'ENABLED',
        version: 2,
        outbox: [
          expect.objectContaining({ event: PREVIOUS_EVENT, claimedAt: '2026-11-20T08:05:01.000Z' }),
        ],
      }),
    ]);
    expect(history).toEqual([PREVIOUS_EVENT]);
  });

  it('let the first run after an upgrade deliver the notification the previous version owed, and nothing more', async () => {
    const config: WatchedConfig = {
      regions: ['us-east-1'],
      models: [{ id: MODEL }],
      notify: ['ready', 'revoked', 'failed', 'blocked'],
      confirmRevocation: 2,
      lifecycleWarnings: [30, 7, 1],
      stuckAfter: '30m',
    };
    const notifier = new RecordingNotifier();
    const deps: MonitorDeps = {
      account: ACCOUNT,
      config,
      availability: new ScriptedAvailability().set('us-east-1', MODEL, 'ENABLED'),
      store: newStore(),
      notifier,
      deadline: Date.now() + 60_000,
    };

    const run = await runCheck(deps, new Date(Date.UTC(2026, 10, 25, 9, 0)));
    const after = await newStore().load(ACCOUNT);

    expect(run.transitions).toEqual([]);
    expect(run.skippedItems).toEqual([]);
    expect(notifier.published).toEqual([PREVIOUS_EVENT]);
    expect(after.records[0]?.outbox).toEqual([]);
  });
});
