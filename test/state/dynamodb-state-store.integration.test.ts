import { createServer } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchedConfig } from '../../src/config/watched-config.ts';
import { StateStoreError } from '../../src/errors.ts';
import type { GrantState, TransitionEvent } from '../../src/grants/types.ts';
import { type MonitorDeps, runCheck } from '../../src/monitor/run-check.ts';
import {
  DynamoDbStateStore,
  type DynamoDbStateStoreOptions,
} from '../../src/state/dynamodb-state-store.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from '../support/dynalite.ts';
import { RAW_FOR, record } from '../support/fixtures.ts';
import { RecordingNotifier } from '../support/recording-notifier.ts';
import { ScriptedAvailability } from '../support/scripted-availability.ts';
import { entry, event } from './event-fixtures.ts';

// What only the DynamoDB store has: its items, pages, TTL and errors. What every store does is
// held by the contract: state-store-contract.integration.test.ts.

const TITAN = 'amazon.titan-text-express-v1';
const CLAUDE = 'anthropic.claude-3-sonnet-20240229-v1:0';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let db: RunningDynalite;
let baseClient: DynamoDBClient;
let documentClient: DynamoDBDocumentClient;
const endpointBefore = process.env.AWS_ENDPOINT_URL_DYNAMODB;

beforeAll(async () => {
  db = await startDynalite();
  // The store never names an endpoint: the SDK's standard variable must reach dynalite.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
  baseClient = new DynamoDBClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
  documentClient = DynamoDBDocumentClient.from(baseClient);
});

afterAll(async () => {
  baseClient.destroy();
  if (endpointBefore === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  else process.env.AWS_ENDPOINT_URL_DYNAMODB = endpointBefore;
  await db.close();
});

// Every test works in its own account, that is its own partition of the one table.
let accounts = 0;
function freshAccount(): string {
  accounts += 1;
  return String(210_000_000_000 + accounts);
}

function newStore(options: Partial<DynamoDbStateStoreOptions> = {}): DynamoDbStateStore {
  return new DynamoDbStateStore({ client: documentClient, tableName: db.tableName, ...options });
}

async function rawItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
  const output = await documentClient.send(
    new GetCommand({ TableName: db.tableName, Key: { pk, sk }, ConsistentRead: true }),
  );
  return output.Item;
}

async function rawItems(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
  const output = await documentClient.send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return output.Items ?? [];
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('DynamoDbStateStore items', () => {
  it('stores one item per pair: the outbox a map keyed by eventId, a write token, no TTL', async () => {
    const account = freshAccount();
    const first = entry(event({ account, region: 'us-west-2', modelId: CLAUDE }), 'run-a');
    const second = entry(
      event({
        account,
        region: 'us-west-2',
        modelId: CLAUDE,
        observedAt: '2026-11-24T10:10:00.000Z',
      }),
      'run-b',
    );
    const pending = record({
      account,
      region: 'us-west-2',
      modelId: CLAUDE,
      version: 3,
      outbox: [first, second],
    });
    const store = newStore();

    await store.write([{ record: pending, expectedVersion: 0 }]);
    const stored = await rawItem(`ACCOUNT#${account}`, `STATE#us-west-2#${CLAUDE}`);
    await store.write([{ record: { ...pending, version: 4 }, expectedVersion: 3 }]);
    const rewritten = await rawItem(`ACCOUNT#${account}`, `STATE#us-west-2#${CLAUDE}`);

    expect(stored).toMatchObject({ itemType: 'state', itemVersion: 1, version: 3 });
    expect(stored?.outbox).toEqual({
      [first.event.eventId]: first,
      [second.event.eventId]: second,
    });
    expect(stored).not.toHaveProperty('expiresAt');
    expect(stored?.writeToken).toMatch(UUID);
    expect(rewritten?.writeToken).toMatch(UUID);
    expect(rewritten?.writeToken).not.toBe(stored?.writeToken);
  });

  it('stores each transition under its instant and eventId, with a TTL from historyTtlDays', async () => {
    const account = freshAccount();
    const early = event({ account, observedAt: '2026-11-24T10:00:00.000Z' });
    const late = event({ account, observedAt: '2026-11-25T08:00:00.000Z' });

    await newStore().appendHistory(late);
    await newStore({ historyTtlDays: 7 }).appendHistory(early);

    const items = await rawItems(`ACCOUNT#${account}`, 'HISTORY#');
    expect(items.map((item) => item.sk)).toEqual([
      `HISTORY#2026-11-24T10:00:00.000Z#${early.eventId}`,
      `HISTORY#2026-11-25T08:00:00.000Z#${late.eventId}`,
    ]);
    expect(items[0]).toMatchObject({
      itemType: 'history',
      itemVersion: 1,
      expiresAt: Date.parse(early.observedAt) / 1000 + 7 * 86_400,
    });
    expect(items[1]?.expiresAt).toBe(Date.parse(late.observedAt) / 1000 + 90 * 86_400);
  });

  it('refuses a history TTL that is not a whole number of days', () => {
    for (const historyTtlDays of [0, 1.5, -3]) {
      expect(() => newStore({ historyTtlDays })).toThrow(
        new RangeError(`historyTtlDays must be a whole number of days >= 1, got ${historyTtlDays}`),
      );
    }
  });

  it('reads more than 1 MB of state in several pages and returns every record', async () => {
    const account = freshAccount();
    const queries: number[] = [];
    const store = newStore({
      onConsumedCapacity: (operation, units) => {
        if (operation === 'Query') queries.push(units);
      },
    });
    // About 20 KB per item: long Bedrock error messages in a full outbox.
    const records = Array.from({ length: 60 }, (_, index) => {
      const modelId = `amazon.test-model-${String(index).padStart(2, '0')}-v1`;
      const outbox = Array.from({ length: 4 }, (__, n) =>
        entry(
          event({
            account,
            modelId,
            kind: 'failed',
            to: 'FAILED',
            raw: { ...RAW_FOR.FAILED, agreementError: `${n}`.repeat(5_000) },
            observedAt: `2026-11-24T10:0${n}:00.000Z`,
          }),
          'run-a',
        ),
      );
      return record({ account, modelId, state: 'FAILED', outbox });
    });
    await store.write(records.map((item) => ({ record: item, expectedVersion: 0 })));
    const requestsBefore = db.requests.length;

    const loaded = await store.load(account);

    expect(loaded.records).toEqual(records);
    expect(db.requests.slice(requestsBefore)).toEqual(['Query', 'Query']);
    expect(queries).toHaveLength(2);
    expect(queries.every((units) => units > 0)).toBe(true);
  });

  it('follows every page when pages are small, in load and in history', async () => {
    const account = freshAccount();
    const store = newStore({ pageLimit: 2 });
    const records = ['a', 'b', 'c', 'd', 'e'].map((letter) =>
      record({ account, modelId: `amazon.model-${letter}-v1` }),
    );
    const events = [1, 2, 3].map((n) =>
      event({ account, observedAt: `2026-11-24T10:0${n}:00.000Z` }),
    );
    await store.write(records.map((item) => ({ record: item, expectedVersion: 0 })));
    for (const appended of events) await store.appendHistory(appended);
    const requestsBefore = db.requests.length;

    const loaded = await store.load(account);
    const history = await store.history({ account, modelId: TITAN });

    expect(loaded.records).toEqual(records);
    expect(history).toEqual(events);
    expect(db.requests.slice(requestsBefore).filter((op) => op === 'Query').length).toBe(3 + 2);
  });

  it('reads the history from a `since` written without milliseconds or time', async () => {
    const account = freshAccount();
    const events = [
      '2026-11-24T10:00:00.000Z',
      '2026-11-24T10:05:00.000Z',
      '2026-11-25T08:00:00.000Z',
    ].map((observedAt) => event({ account, observedAt }));
    for (const appended of events) await newStore().appendHistory(appended);

    expect(await newStore().history({ account, since: '2026-11-24T10:05:00Z' })).toEqual(
      events.slice(1),
    );
    expect(await newStore().history({ account, since: '2026-11-25' })).toEqual(events.slice(2));
  });
});

describe('DynamoDbStateStore and items it cannot read', () => {
  it('skips items of another shape, says why, and leaves them as they are', async () => {
    const account = freshAccount();
    const pk = `ACCOUNT#${account}`;
    const legacy = {
      pk,
      sk: `STATE#us-east-1#${TITAN}`,
      account,
      region: 'us-east-1',
      modelId: TITAN,
      status: 'Enabled',
      version: 7,
    };
    const newer = {
      ...legacy,
      sk: `STATE#us-west-2#${TITAN}`,
      region: 'us-west-2',
      itemType: 'state',
      itemVersion: 2,
    };
    const listOutbox = {
      ...record({ account, region: 'eu-west-1' }),
      pk,
      sk: `STATE#eu-west-1#${TITAN}`,
      itemType: 'state',
      itemVersion: 1,
      outbox: [],
    };
    const badState = {
      ...listOutbox,
      sk: `STATE#eu-west-2#${TITAN}`,
      region: 'eu-west-2',
      state: 'Enabled',
      outbox: {},
    };
    const oldHistory = { pk, sk: 'HISTORY#2026-01-01T00:00:00.000Z#x', status: 'Enabled' };
    for (const item of [legacy, newer, listOutbox, badState, oldHistory]) {
      await documentClient.send(new PutCommand({ TableName: db.tableName, Item: item }));
    }
    const readable = record({ account, region: 'ap-south-1' });
    const store = newStore();
    await store.write([{ record: readable, expectedVersion: 0 }]);

    const loaded = await store.load(account);
    const overwrite = await store.write([{ record: record({ account }), expectedVersion: 0 }]);

    expect(loaded.records).toEqual([readable]);
    expect(loaded.skipped).toEqual([
      {
        key: `pk=${pk} sk=STATE#eu-west-1#${TITAN}`,
        reason: 'outbox: expected a map keyed by eventId',
      },
      {
        key: `pk=${pk} sk=STATE#eu-west-2#${TITAN}`,
        reason: expect.stringMatching(/^state: Invalid option/),
      },
      {
        key: `pk=${pk} sk=STATE#us-east-1#${TITAN}`,
        reason: expect.stringMatching(/no itemVersion.*reads itemVersion 1/),
      },
      {
        key: `pk=${pk} sk=STATE#us-west-2#${TITAN}`,
        reason: expect.stringMatching(/itemVersion 2 was written by a newer version/),
      },
    ]);
    expect(overwrite).toEqual([false]);
    expect(await rawItem(pk, legacy.sk)).toEqual(legacy);
    expect(await store.history({ account })).toEqual([]);
  });

  it('reads a state item of the previous shape: publish flags, no claim tokens, no lastObservedAt', async () => {
    const account = freshAccount();
    const delivered = event({ account });
    const owed = event({ account, kind: 'requested', observedAt: '2026-11-24T10:10:00.000Z' });
    const pendingRevocation = {
      count: 1,
      state: 'NOT_ENABLED' as GrantState,
      firstObservedAt: '2026-11-24T10:00:00.000Z',
    };
    const previousShape = {
      ...record({ account, version: 5, pendingRevocation }),
      pk: `ACCOUNT#${account}`,
      sk: `STATE#us-east-1#${TITAN}`,
      itemType: 'state',
      itemVersion: 1,
      outbox: {
        [delivered.eventId]: { event: delivered, publish: true, claimedAt: delivered.observedAt },
        [owed.eventId]: { event: owed, publish: false, claimedAt: owed.observedAt },
      },
    };
    await documentClient.send(new PutCommand({ TableName: db.tableName, Item: previousShape }));
    const store = newStore();

    const loaded = await store.load(account);
    await store.removeFromOutbox(previousShape, delivered.eventId);
    const rewritten = await store.write([
      { record: record({ account, version: 7, state: 'NOT_ENABLED' }), expectedVersion: 6 },
    ]);

    expect(loaded).toStrictEqual({
      records: [
        record({
          account,
          version: 5,
          pendingRevocation,
          outbox: [
            { event: delivered, claimedAt: delivered.observedAt },
            { event: owed, claimedAt: owed.observedAt },
          ],
        }),
      ],
      skipped: [],
    });
    expect(rewritten).toEqual([true]);
  });

  it('refuses to write a record, an outbox entry or an event it could not read back', async () => {
    const account = freshAccount();
    const store = newStore();
    const owed = entry(event({ account }), 'run-a');
    const stored = record({ account, outbox: [owed] });
    await store.write([{ record: stored, expectedVersion: 0 }]);

    const writes = await Promise.allSettled([
      store.write([
        { record: record({ account, state: 'Enabled' as GrantState }), expectedVersion: 1 },
      ]),
      store.updateOutboxEntry(stored, { ...owed, claimedAt: 'yesterday' }),
      store.appendHistory({ ...owed.event, kind: 'granted' as TransitionEvent['kind'] }),
    ]);

    expect(writes.map((settled) => settled.status === 'rejected' && settled.reason)).toEqual([
      expect.any(StateStoreError),
      expect.any(StateStoreError),
      expect.any(StateStoreError),
    ]);
    expect(
      writes.map((settled) => settled.status === 'rejected' && settled.reason.message),
    ).toEqual([
      expect.stringMatching(
        new RegExp(
          `^refusing to write an invalid record of ${TITAN} in us-east-1 of account ${account} to DynamoDB table "${db.tableName}": state: Invalid option`,
        ),
      ),
      `refusing to write an invalid outbox entry ${owed.event.eventId} to DynamoDB table "${db.tableName}": claimedAt: Invalid ISO datetime`,
      expect.stringMatching(
        new RegExp(
          `^refusing to write an invalid transition event ${owed.event.eventId} to DynamoDB table "${db.tableName}": kind: Invalid option`,
        ),
      ),
    ]);
    expect((await store.load(account)).records).toEqual([stored]);
    expect(await store.history({ account })).toEqual([]);
  });
});

describe('DynamoDbStateStore requests', () => {
  it('reads the state, and the item a write lost to, with strongly consistent reads', async () => {
    const inputs: Array<Record<string, unknown>> = [];
    const watched = new DynamoDBClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
    watched.middlewareStack.add(
      (next, context) => async (args) => {
        inputs.push({ command: context.commandName, ...(args.input as object) });
        return next(args);
      },
      { step: 'initialize' },
    );
    const account = freshAccount();
    await newStore().write([{ record: record({ account }), expectedVersion: 0 }]);
    try {
      const store = new DynamoDbStateStore({ client: watched, tableName: db.tableName });
      await store.load(account);
      expect(await store.write([{ record: record({ account }), expectedVersion: 0 }])).toEqual([
        false,
      ]);
    } finally {
      watched.destroy();
    }

    expect(inputs).toEqual([
      expect.objectContaining({
        command: 'QueryCommand',
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
      expect.objectContaining({
        command: 'PutItemCommand',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ReturnConsumedCapacity: 'TOTAL',
      }),
      expect.objectContaining({ command: 'GetItemCommand', ConsistentRead: true }),
    ]);
  });

  it('rejects with a StateStoreError naming the table when the table does not exist', async () => {
    const store = newStore({ tableName: 'no-such-table' });

    const [load, write] = await Promise.allSettled([
      store.load(freshAccount()),
      store.write([{ record: record(), expectedVersion: 0 }]),
    ]);

    expect(load.status === 'rejected' && load.reason).toBeInstanceOf(StateStoreError);
    expect(load.status === 'rejected' && String(load.reason.message)).toMatch(
      /^DynamoDB table "no-such-table": Query failed while reading the state of account \d+: ResourceNotFoundException.*\(does the table exist in this account and region\?\)$/,
    );
    expect(write.status === 'rejected' && String(write.reason.message)).toMatch(
      /^DynamoDB table "no-such-table": PutItem failed while writing amazon\.titan-text-express-v1 in us-east-1 of account \d+ over version 0: /,
    );
    expect(write.status === 'rejected' && write.reason.cause.name).toBe(
      'ResourceNotFoundException',
    );
  });

  it('rejects with a StateStoreError naming the table when DynamoDB cannot be reached', async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = new DynamoDBClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
    try {
      const store = new DynamoDbStateStore({ client: unreachable, tableName: 'state-table' });

      // All settle before any assertion, so no rejection is ever left unhandled.
      const [load, write, remove] = await Promise.allSettled([
        store.load(freshAccount()),
        store.write([{ record: record(), expectedVersion: 3 }]),
        store.removeFromOutbox(record(), 'e1'),
      ]);

      expect(load.status === 'rejected' && load.reason).toBeInstanceOf(StateStoreError);
      expect(load.status === 'rejected' && String(load.reason.message)).toMatch(
        /^DynamoDB table "state-table": Query failed .*ECONNREFUSED/,
      );
      expect(write.status === 'rejected' && String(write.reason.message)).toMatch(
        /^DynamoDB table "state-table": PutItem failed .*ECONNREFUSED/,
      );
      expect(remove.status === 'rejected' && String(remove.reason.message)).toMatch(
        /^DynamoDB table "state-table": UpdateItem failed while removing delivered event e1 from the outbox of .*ECONNREFUSED/,
      );
    } finally {
      unreachable.destroy();
      process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
    }
  });
});

describe('runCheck over DynamoDbStateStore', () => {
  const config: WatchedConfig = {
    regions: ['us-east-1', 'us-west-2'],
    models: [{ id: TITAN }, { id: CLAUDE }],
    notify: ['ready', 'revoked', 'failed'],
    confirmRevocation: 2,
    lifecycleWarnings: [30, 7, 1],
    stuckAfter: '30m',
  };

  it('stores a baseline, then writes nothing when nothing changed: one Query, no write', async () => {
    const notifier = new RecordingNotifier();
    const capacity: string[] = [];
    // The plain client: the store wraps it in a document client itself.
    const store = new DynamoDbStateStore({
      client: baseClient,
      tableName: db.tableName,
      onConsumedCapacity: (operation) => capacity.push(operation),
    });
    const deps: MonitorDeps = {
      account: freshAccount(),
      config,
      availability: new ScriptedAvailability(),
      store,
      notifier,
      deadline: Date.now() + 60_017,
    };
    const requestsDuring = async (minute: number) => {
      const before = db.requests.length;
      const summary = await runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, minute, 7, 321)));
      return { summary, requests: db.requests.slice(before) };
    };

    const baseline = await requestsDuring(5);
    const quiet = await requestsDuring(10);

    expect(baseline.requests).toEqual(['Query', 'PutItem', 'PutItem', 'PutItem', 'PutItem']);
    expect((await store.load(deps.account)).records).toHaveLength(4);
    expect(quiet.requests).toEqual(['Query']);
    expect(quiet.summary.transitions).toEqual([]);
    expect(notifier.published).toEqual([]);
    expect(capacity.filter((operation) => operation === 'PutItem')).toHaveLength(4);
  });
});
