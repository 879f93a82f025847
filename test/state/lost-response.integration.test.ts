import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchedConfig } from '../../src/config/watched-config.ts';
import type { PairRecord } from '../../src/grants/pair-record.ts';
import { runCheck } from '../../src/monitor/run-check.ts';
import { stateItemKey, toStateItem } from '../../src/state/dynamodb-items.ts';
import { DynamoDbStateStore } from '../../src/state/dynamodb-state-store.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from '../support/dynalite.ts';
import {
  type DynamoDbFaultProxy,
  type ProxiedRequest,
  startDynamoDbFaultProxy,
} from '../support/dynamodb-fault-proxy.ts';
import { record } from '../support/fixtures.ts';
import { RecordingNotifier } from '../support/recording-notifier.ts';
import { ScriptedAvailability } from '../support/scripted-availability.ts';
import { entry, event, VERIFIED } from './event-fixtures.ts';

// A conditional write whose first attempt landed but whose answer was lost is retried by the
// SDK, and the retry fails the condition its own first attempt changed. The store must tell
// that from a write another run made first (issue 9), over real sockets.

const TITAN = 'amazon.titan-text-express-v1';

let db: RunningDynalite;
let direct: DynamoDBClient;
beforeAll(async () => {
  db = await startDynalite();
  direct = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
  });
});
afterAll(async () => {
  direct.destroy();
  await db.close();
});

let accounts = 0;
function freshAccount(): string {
  accounts += 1;
  return String(220_000_000_000 + accounts);
}

/** The state write (PutItem with a condition) of `pair`. */
function stateWriteOf(pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>) {
  const { sk } = stateItemKey(pair);
  return (request: ProxiedRequest) =>
    request.operation === 'PutItem' &&
    request.body.ConditionExpression !== undefined &&
    (request.body.Item as { sk?: { S?: string } } | undefined)?.sk?.S === sk;
}

/** The outbox update or removal (UpdateItem) of `pair`. */
function outboxChangeOf(pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>) {
  const { sk } = stateItemKey(pair);
  return (request: ProxiedRequest) =>
    request.operation === 'UpdateItem' &&
    (request.body.Key as { sk?: { S?: string } } | undefined)?.sk?.S === sk;
}

const operations = (requests: readonly ProxiedRequest[]) => requests.map((r) => r.operation);

describe.each([
  {
    answer: 'without the stored item, as dynalite answers',
    returnOld: false,
    readBack: ['GetItem'],
  },
  { answer: 'with the stored item (ALL_OLD), as DynamoDB answers', returnOld: true, readBack: [] },
])('a failed condition answered $answer', ({ returnOld, readBack }) => {
  let proxy: DynamoDbFaultProxy;
  let throughProxy: DynamoDBClient;
  beforeAll(async () => {
    proxy = await startDynamoDbFaultProxy({
      target: db.endpoint,
      returnOldItemOnConditionFailure: returnOld,
    });
    throughProxy = new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
  });
  afterAll(async () => {
    throughProxy.destroy();
    await proxy.close();
  });

  const proxiedStore = () =>
    new DynamoDbStateStore({ client: throughProxy, tableName: db.tableName });
  const directStore = () => new DynamoDbStateStore({ client: direct, tableName: db.tableName });
  const requestsDuring = async <T>(action: () => Promise<T>) => {
    const before = proxy.requests.length;
    const droppedBefore = proxy.dropped.length;
    const result = await action();
    return {
      result,
      requests: operations(proxy.requests.slice(before)),
      dropped: operations(proxy.dropped.slice(droppedBefore)),
    };
  };

  it('a first write whose answer was lost resolves as applied, stored as written', async () => {
    const account = freshAccount();
    const written = record({ account, outbox: [entry(event({ account }), 'run-a')] });
    proxy.dropAnswer(stateWriteOf(written));

    const { result, requests, dropped } = await requestsDuring(() =>
      proxiedStore().write([{ record: written, expectedVersion: 0 }]),
    );

    expect(result).toEqual([true]);
    expect(dropped).toEqual(['PutItem']);
    expect(requests).toEqual(['PutItem', 'PutItem', ...readBack]);
    expect(await directStore().load(account)).toEqual({ records: [written], skipped: [] });
  });

  it('an update whose answer was lost resolves as applied, in a batch answered in order', async () => {
    const account = freshAccount();
    const first = record({ account, version: 4 });
    const second = record({ account, region: 'us-west-2', version: 2 });
    await directStore().write(
      [first, second].map((item) => ({ record: item, expectedVersion: 0 })),
    );
    const updated = { ...first, version: 5, state: 'NOT_ENABLED' as const };
    proxy.dropAnswer(stateWriteOf(first));

    const { result, dropped } = await requestsDuring(() =>
      proxiedStore().write([
        { record: updated, expectedVersion: 4 },
        { record: { ...second, version: 3 }, expectedVersion: 1 },
      ]),
    );

    expect(result).toEqual([true, false]);
    expect(dropped).toEqual(['PutItem']);
    expect((await directStore().load(account)).records).toEqual([updated, second]);
  });

  it('a write another run made first resolves as lost, and leaves that run’s record', async () => {
    const account = freshAccount();
    const theirs = record({ account, state: 'IN_PROGRESS' });
    await directStore().write([{ record: theirs, expectedVersion: 0 }]);

    const { result, requests, dropped } = await requestsDuring(() =>
      proxiedStore().write([{ record: record({ account }), expectedVersion: 0 }]),
    );

    expect(result).toEqual([false]);
    expect(dropped).toEqual([]);
    expect(requests).toEqual(['PutItem', ...readBack]);
    expect((await directStore().load(account)).records).toEqual([theirs]);
  });

  it('a run whose claim write lost its answer publishes the alert in that same run', async () => {
    const account = freshAccount();
    const config: WatchedConfig = {
      regions: ['us-east-1'],
      models: [{ id: TITAN }],
      notify: ['ready'],
      confirmRevocation: 2,
      lifecycleWarnings: [30, 7, 1],
      stuckAfter: '30m',
    };
    const availability = new ScriptedAvailability().set('us-east-1', TITAN, 'IN_PROGRESS');
    const notifier = new RecordingNotifier();
    const deps = {
      account,
      config,
      availability,
      store: proxiedStore(),
      notifier,
      deadline: Date.now() + 60_013,
    };
    await runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, 0, 3, 417)));
    availability.set('us-east-1', TITAN, 'ENABLED');
    proxy.dropAnswer(stateWriteOf({ account, region: 'us-east-1', modelId: TITAN }));

    const { result: summary, dropped } = await requestsDuring(() =>
      runCheck(deps, new Date(Date.UTC(2026, 10, 24, 10, 5, 2, 981))),
    );

    expect(dropped).toEqual(['PutItem']);
    expect(summary.conflicts).toBe(0);
    expect(summary.transitions).toEqual([
      expect.objectContaining({ kind: 'ready', account, modelId: TITAN }),
    ]);
    expect(notifier.published).toEqual(summary.transitions);
    expect((await directStore().history({ account })).map((e) => e.eventId)).toEqual(
      summary.transitions.map((e) => e.eventId),
    );
    const [stored] = (await directStore().load(account)).records;
    expect(stored).toMatchObject({ state: 'ENABLED', outbox: [] });
  });
});

describe('lost answers, whatever the store makes of them', () => {
  let proxy: DynamoDbFaultProxy;
  let throughProxy: DynamoDBDocumentClient;
  beforeAll(async () => {
    proxy = await startDynamoDbFaultProxy({ target: db.endpoint });
    throughProxy = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: proxy.endpoint,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
      }),
    );
  });
  afterAll(async () => {
    throughProxy.destroy();
    await proxy.close();
  });

  it('make a write without a token of its own read as a conflict: its retry fails the condition its first attempt changed', async () => {
    const written = record({ account: freshAccount() });
    proxy.dropAnswer(stateWriteOf(written));

    const put = throughProxy.send(
      new PutCommand({
        TableName: db.tableName,
        Item: toStateItem(written),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );

    await expect(put).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
      $metadata: { attempts: 2 },
    });
    expect(operations(proxy.dropped).at(-1)).toBe('PutItem');
    expect(
      (
        await new DynamoDbStateStore({ client: direct, tableName: db.tableName }).load(
          written.account,
        )
      ).records,
    ).toEqual([written]);
  });

  it('leave an outbox update and a removal resolved as applied', async () => {
    const account = freshAccount();
    const owed = entry(event({ account }), 'run-a');
    const stored = record({ account, version: 2, outbox: [owed] });
    const store = new DynamoDbStateStore({ client: throughProxy, tableName: db.tableName });
    await store.write([{ record: stored, expectedVersion: 0 }]);
    const verified = { ...owed, event: { ...owed.event, verification: VERIFIED } };

    const droppedBefore = proxy.dropped.length;
    proxy.dropAnswer(outboxChangeOf(stored));
    const updated = await store.updateOutboxEntry(stored, verified);
    const afterUpdate = await store.load(account);
    proxy.dropAnswer(outboxChangeOf(stored));
    await store.removeFromOutbox(stored, owed.event.eventId);

    expect(updated).toBe(true);
    expect(afterUpdate.records[0]?.outbox).toEqual([verified]);
    expect(operations(proxy.dropped.slice(droppedBefore))).toEqual(['UpdateItem', 'UpdateItem']);
    expect((await store.load(account)).records[0]?.outbox).toEqual([]);
  });
});
