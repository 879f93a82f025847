import { randomUUID } from 'node:crypto';
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
import type { OutboxEntry } from '../../src/grants/pair-record.ts';
import {
  type GrantState,
  TRANSITION_EVENT_SCHEMA,
  type TransitionEvent,
} from '../../src/grants/types.ts';
import { type MonitorDeps, runCheck } from '../../src/monitor/run-check.ts';
import {
  type DynamoDbOperation,
  DynamoDbStateStore,
  type DynamoDbStateStoreOptions,
} from '../../src/state/dynamodb-state-store.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from '../support/dynalite.ts';
import { ENABLED_RAW, RAW_FOR, record } from '../support/fixtures.ts';
import { RecordingNotifier } from '../support/recording-notifier.ts';
import { ScriptedAvailability } from '../support/scripted-availability.ts';

const TITAN = 'amazon.titan-text-express-v1';
const CLAUDE = 'anthropic.claude-3-sonnet-20240229-v1:0';

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
  restoreEndpoint();
  await db.close();
});

function restoreEndpoint() {
  if (endpointBefore === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  else process.env.AWS_ENDPOINT_URL_DYNAMODB = endpointBefore;
}

// Every test works in its own account, that is its own partition of the one table.
let accounts = 0;
function freshAccount(): string {
  accounts += 1;
  return String(210_000_000_000 + accounts);
}

function newStore(options: Partial<DynamoDbStateStoreOptions> = {}): DynamoDbStateStore {
  return new DynamoDbStateStore({ client: documentClient, tableName: db.tableName, ...options });
}

function transition(change: Partial<TransitionEvent> = {}): TransitionEvent {
  return {
    schema: TRANSITION_EVENT_SCHEMA,
    eventId: randomUUID(),
    kind: 'ready',
    account: '210000000000',
    modelId: TITAN,
    region: 'us-east-1',
    from: 'IN_PROGRESS',
    to: 'ENABLED',
    observedAt: '2026-11-24T10:05:00.000Z',
    previousSince: '2026-11-24T09:00:00.000Z',
    raw: ENABLED_RAW,
    ...change,
  };
}

function outboxEntry(event: TransitionEvent, publish = true): OutboxEntry {
  return { event, publish, claimedAt: event.observedAt };
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

describe('DynamoDbStateStore', () => {
  it('loads back what it stored, outbox included, as a map keyed by eventId', async () => {
    const account = freshAccount();
    const first = transition({ account, region: 'us-west-2', modelId: CLAUDE, kind: 'requested' });
    const second = transition({
      account,
      region: 'us-west-2',
      modelId: CLAUDE,
      observedAt: '2026-11-24T10:10:00.000Z',
    });
    const enabled = record({ account });
    const pending = record({
      account,
      region: 'us-west-2',
      modelId: CLAUDE,
      state: 'ENABLED',
      since: '2026-11-24T10:10:00.000Z',
      pendingRevocation: {
        count: 1,
        state: 'NOT_ENABLED',
        firstObservedAt: '2026-11-24T10:15:00.000Z',
      },
      version: 3,
      outbox: [outboxEntry(first, false), outboxEntry(second)],
    });
    const notOffered = record({
      account,
      region: 'eu-west-3',
      state: 'NOT_OFFERED',
      raw: {
        agreement: null,
        agreementError: null,
        authorization: null,
        entitlement: null,
        region: null,
      },
      notFound: 'The model amazon.titan-text-express-v1 does not exist',
    });
    const store = newStore();

    for (const item of [enabled, pending, notOffered]) expect(await store.put(item, 0)).toBe(true);
    await store.put(record({ account: freshAccount() }), 0);
    const loaded = await newStore().load(account);

    expect(loaded.skipped).toEqual([]);
    expect(loaded.records).toEqual([notOffered, enabled, pending]);
    const stored = await rawItem(`ACCOUNT#${account}`, `STATE#us-west-2#${CLAUDE}`);
    expect(stored).toMatchObject({ itemType: 'state', itemVersion: 1, version: 3 });
    expect(stored?.outbox).toEqual({
      [first.eventId]: outboxEntry(first, false),
      [second.eventId]: outboxEntry(second),
    });
    expect(stored).not.toHaveProperty('expiresAt');
  });

  it('refuses a write over a stale version, and a first write of a pair already stored', async () => {
    const account = freshAccount();
    const store = newStore();
    expect(await store.put(record({ account }), 0)).toBe(true);

    const firstAgain = await store.put(record({ account, state: 'NOT_ENABLED' }), 0);
    const update = await store.put(record({ account, version: 2, state: 'IN_PROGRESS' }), 1);
    const stale = await store.put(record({ account, version: 2, state: 'FAILED' }), 1);

    expect([firstAgain, update, stale]).toEqual([false, true, false]);
    expect((await store.load(account)).records).toEqual([
      record({ account, version: 2, state: 'IN_PROGRESS' }),
    ]);
  });

  it('lets exactly one of five concurrent writes with the same expected version win', async () => {
    const account = freshAccount();
    const store = newStore();
    const states: GrantState[] = ['ENABLED', 'NOT_ENABLED', 'IN_PROGRESS', 'FAILED', 'NOT_OFFERED'];

    const creations = await Promise.all(
      states.map((state) => store.put(record({ account, state }), 0)),
    );
    const created = states[creations.indexOf(true)];
    const updates = await Promise.all(
      states.map((state) => store.put(record({ account, state, version: 2 }), 1)),
    );
    const updated = states[updates.indexOf(true)];

    expect(creations.filter(Boolean)).toHaveLength(1);
    expect(created).toBeDefined();
    expect(updates.filter(Boolean)).toHaveLength(1);
    expect((await store.load(account)).records).toEqual([
      record({ account, state: updated, version: 2 }),
    ]);
  });

  it('removes a delivered event from the outbox, bumps the version, and makes a stale write lose', async () => {
    const account = freshAccount();
    const store = newStore();
    const delivered = transition({ account });
    const owed = transition({ account, kind: 'changed', observedAt: '2026-11-24T10:20:00.000Z' });
    const claimed = record({
      account,
      version: 4,
      outbox: [outboxEntry(delivered), outboxEntry(owed)],
    });
    await store.put(claimed, 0);

    await store.removeFromOutbox(claimed, delivered.eventId);
    await store.removeFromOutbox(claimed, delivered.eventId);
    await store.removeFromOutbox({ ...claimed, region: 'ap-south-1' }, delivered.eventId);
    const staleWrite = await store.put({ ...claimed, version: 5, state: 'NOT_ENABLED' }, 4);

    expect(staleWrite).toBe(false);
    expect((await store.load(account)).records).toEqual([
      { ...claimed, version: 5, outbox: [outboxEntry(owed)] },
    ]);
    expect(
      await rawItem(`ACCOUNT#${account}`, 'STATE#ap-south-1#amazon.titan-text-express-v1'),
    ).toBe(undefined);
  });

  it('records each transition once, with a TTL, and reads it back oldest first, filtered', async () => {
    const account = freshAccount();
    const store = newStore();
    const titanEast = transition({ account, observedAt: '2026-11-24T10:00:00.000Z' });
    const claudeWest = transition({
      account,
      modelId: CLAUDE,
      region: 'us-west-2',
      kind: 'failed',
      to: 'FAILED',
      raw: RAW_FOR.FAILED,
      observedAt: '2026-11-24T10:05:00.000Z',
    });
    const titanWest = transition({
      account,
      region: 'us-west-2',
      kind: 'revoked',
      from: 'ENABLED',
      to: 'NOT_ENABLED',
      observedAt: '2026-11-25T08:00:00.000Z',
    });

    for (const event of [titanWest, titanEast, claudeWest, titanEast, titanWest]) {
      await store.appendHistory(event);
    }
    await store.appendHistory(transition({ account: freshAccount() }));

    expect(await store.history({ account })).toEqual([titanEast, claudeWest, titanWest]);
    expect(await store.history({ account, modelId: TITAN })).toEqual([titanEast, titanWest]);
    expect(await store.history({ account, region: 'us-west-2' })).toEqual([claudeWest, titanWest]);
    expect(await store.history({ account, since: '2026-11-24T10:05:00Z' })).toEqual([
      claudeWest,
      titanWest,
    ]);
    expect(
      await store.history({ account, modelId: TITAN, region: 'us-west-2', since: '2026-11-24' }),
    ).toEqual([titanWest]);
    const items = await rawItems(`ACCOUNT#${account}`, 'HISTORY#');
    expect(items.map((item) => item.sk)).toEqual([
      `HISTORY#2026-11-24T10:00:00.000Z#${titanEast.eventId}`,
      `HISTORY#2026-11-24T10:05:00.000Z#${claudeWest.eventId}`,
      `HISTORY#2026-11-25T08:00:00.000Z#${titanWest.eventId}`,
    ]);
    expect(items[0]).toMatchObject({
      itemType: 'history',
      itemVersion: 1,
      expiresAt: Date.parse('2026-11-24T10:00:00.000Z') / 1000 + 90 * 86_400,
    });
  });

  it('sets the history TTL from historyTtlDays', async () => {
    const account = freshAccount();
    const event = transition({ account });

    await newStore({ historyTtlDays: 7 }).appendHistory(event);

    const item = await rawItem(
      `ACCOUNT#${account}`,
      `HISTORY#${event.observedAt}#${event.eventId}`,
    );
    expect(item?.expiresAt).toBe(Date.parse(event.observedAt) / 1000 + 7 * 86_400);
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
        outboxEntry(
          transition({
            account,
            modelId,
            kind: 'failed',
            to: 'FAILED',
            raw: { ...RAW_FOR.FAILED, agreementError: `${n}`.repeat(5_000) },
            observedAt: `2026-11-24T10:0${n}:00.000Z`,
          }),
        ),
      );
      return record({ account, modelId, state: 'FAILED', outbox });
    });
    for (const item of records) await store.put(item, 0);
    const requestsBefore = db.requests.length;

    const loaded = await store.load(account);

    expect(loaded.records).toHaveLength(60);
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
      transition({ account, observedAt: `2026-11-24T10:0${n}:00.000Z` }),
    );
    for (const item of records) await store.put(item, 0);
    for (const event of events) await store.appendHistory(event);
    const requestsBefore = db.requests.length;

    const loaded = await store.load(account);
    const history = await store.history({ account, modelId: TITAN });

    expect(loaded.records).toEqual(records);
    expect(history).toEqual(events);
    expect(db.requests.slice(requestsBefore).filter((op) => op === 'Query').length).toBe(3 + 2);
  });

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
    await store.put(readable, 0);

    const loaded = await store.load(account);
    const overwrite = await store.put(record({ account }), 0);

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
    expect(overwrite).toBe(false);
    expect(await rawItem(pk, legacy.sk)).toEqual(legacy);
    expect(await store.history({ account })).toEqual([]);
  });

  it('refuses to write a record it could not read back', async () => {
    const account = freshAccount();
    const invalid = record({ account, state: 'Enabled' as GrantState });

    await expect(newStore().put(invalid, 0)).rejects.toThrow(StateStoreError);
    expect(await rawItems(`ACCOUNT#${account}`, 'STATE#')).toEqual([]);
  });

  it('reads the state with strongly consistent reads, which dynalite cannot show by itself', async () => {
    const inputs: Array<Record<string, unknown>> = [];
    const watched = new DynamoDBClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
    watched.middlewareStack.add(
      (next, context) => async (args) => {
        inputs.push({ command: context.commandName, ...(args.input as object) });
        return next(args);
      },
      { step: 'initialize' },
    );
    try {
      await new DynamoDbStateStore({ client: watched, tableName: db.tableName }).load(
        freshAccount(),
      );
    } finally {
      watched.destroy();
    }

    expect(inputs).toEqual([
      expect.objectContaining({
        command: 'QueryCommand',
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    ]);
  });

  it('rejects with a StateStoreError naming the table when the table does not exist', async () => {
    const store = newStore({ tableName: 'no-such-table' });

    const load = store.load(freshAccount());
    const put = store.put(record(), 0);

    await expect(load).rejects.toBeInstanceOf(StateStoreError);
    await expect(load).rejects.toThrow(
      /^DynamoDB table "no-such-table": Query failed while reading the state of account \d+: ResourceNotFoundException/,
    );
    await expect(put).rejects.toThrow(/^DynamoDB table "no-such-table": PutItem failed/);
    await expect(put).rejects.toHaveProperty('cause.name', 'ResourceNotFoundException');
  });

  it('rejects with a StateStoreError naming the table when DynamoDB cannot be reached', async () => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = new DynamoDBClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
    try {
      const store = new DynamoDbStateStore({ client: unreachable, tableName: 'state-table' });

      // Both settle before any assertion, so neither rejection is ever left unhandled.
      const [load, put] = await Promise.allSettled([
        store.load(freshAccount()),
        store.put(record(), 3),
      ]);

      expect(load.status === 'rejected' && load.reason).toBeInstanceOf(StateStoreError);
      expect(load.status === 'rejected' && String(load.reason.message)).toMatch(
        /^DynamoDB table "state-table": Query failed .*ECONNREFUSED/,
      );
      expect(put.status === 'rejected' && String(put.reason.message)).toMatch(
        /^DynamoDB table "state-table": PutItem failed .*ECONNREFUSED/,
      );
    } finally {
      unreachable.destroy();
      process.env.AWS_ENDPOINT_URL_DYNAMODB = db.endpoint;
    }
  });
});

const CONFIG: WatchedConfig = {
  regions: ['us-east-1', 'us-west-2'],
  models: [{ id: TITAN }, { id: CLAUDE }],
  notify: ['ready', 'revoked', 'failed'],
  confirmRevocation: 2,
  lifecycleWarnings: [30, 7, 1],
  stuckAfter: '30m',
};

describe('runCheck over DynamoDbStateStore', () => {
  function setup() {
    const availability = new ScriptedAvailability();
    const notifier = new RecordingNotifier();
    const capacity: Array<[DynamoDbOperation, number]> = [];
    // The plain client: the store wraps it in a document client itself.
    const store = new DynamoDbStateStore({
      client: baseClient,
      tableName: db.tableName,
      onConsumedCapacity: (operation, units) => capacity.push([operation, units]),
    });
    const deps: MonitorDeps = {
      account: freshAccount(),
      config: CONFIG,
      availability,
      store,
      notifier,
      deadline: Date.now() + 60_000,
    };
    let minute = 0;
    const run = () => {
      minute += 5;
      return runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, minute)));
    };
    return { availability, notifier, store, deps, capacity, run };
  }

  function requestsDuring<T>(action: () => Promise<T>): Promise<{ result: T; requests: string[] }> {
    const before = db.requests.length;
    return action().then((result) => ({ result, requests: db.requests.slice(before) }));
  }

  it('stores a baseline, then writes nothing when nothing changed: one Query, no write', async () => {
    const { notifier, store, deps, capacity, run } = setup();
    const baseline = await requestsDuring(run);

    const quiet = await requestsDuring(run);

    expect(baseline.requests).toEqual(['Query', 'PutItem', 'PutItem', 'PutItem', 'PutItem']);
    expect((await store.load(deps.account)).records).toHaveLength(4);
    expect(quiet.requests).toEqual(['Query']);
    expect(quiet.result.transitions).toEqual([]);
    expect(notifier.published).toEqual([]);
    expect(capacity.filter(([operation]) => operation === 'PutItem')).toHaveLength(4);
  });

  it('publishes exactly once when five runs overlap on the same transition', async () => {
    const { availability, notifier, store, deps } = setup();
    availability.set('us-east-1', TITAN, 'IN_PROGRESS');
    await runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, 0)));
    availability.set('us-east-1', TITAN, 'ENABLED');
    const release = availability.hold();

    const runs = Array.from({ length: 5 }, () =>
      runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, 5))),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    const summaries = await Promise.all(runs);

    expect(notifier.published.map((e) => [e.kind, e.region, e.modelId])).toEqual([
      ['ready', 'us-east-1', TITAN],
    ]);
    expect(summaries.reduce((sum, s) => sum + s.transitions.length, 0)).toBe(1);
    expect(summaries.reduce((sum, s) => sum + s.conflicts, 0)).toBe(4);
    expect(await store.history({ account: deps.account })).toEqual(notifier.published);
    const loaded = await store.load(deps.account);
    expect(loaded.records.every((r) => r.outbox.length === 0)).toBe(true);
  });

  it('keeps a failed notification in the outbox and publishes it once in a later run', async () => {
    const { availability, notifier, store, deps, run } = setup();
    availability.set('us-west-2', CLAUDE, 'IN_PROGRESS');
    await run();
    availability.set('us-west-2', CLAUDE, 'ENABLED');
    notifier.failNext = 1;

    const failed = await run();
    const owed = (await store.load(deps.account)).records.find(
      (r) => r.modelId === CLAUDE && r.region === 'us-west-2',
    );
    expect(owed?.outbox.map((entry) => entry.event)).toEqual(failed.transitions);

    const retried = await run();
    await run();

    expect(retried.notifications).toEqual({ published: 1, failed: 0 });
    expect(notifier.published).toEqual(failed.transitions);
    expect(await store.history({ account: deps.account })).toEqual(failed.transitions);
    const loaded = await store.load(deps.account);
    expect(loaded.records.every((r) => r.outbox.length === 0)).toBe(true);
  });

  it('reports a stored item of an older shape and leaves it as it is', async () => {
    const { notifier, deps, run } = setup();
    const legacy = {
      pk: `ACCOUNT#${deps.account}`,
      sk: `STATE#us-east-1#${TITAN}`,
      status: 'Enabled',
    };
    await documentClient.send(new PutCommand({ TableName: db.tableName, Item: legacy }));

    const summary = await run();

    expect(summary.skippedItems).toEqual([
      {
        key: `pk=${legacy.pk} sk=${legacy.sk}`,
        reason: expect.stringMatching(/^it has no itemVersion/),
      },
    ]);
    expect(summary.conflicts).toBe(1);
    expect(notifier.published).toEqual([]);
    expect(await rawItem(legacy.pk, legacy.sk)).toEqual(legacy);
  });
});
