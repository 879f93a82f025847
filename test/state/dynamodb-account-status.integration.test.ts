import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStoreError } from '../../src/errors.ts';
import { accountEvent } from '../../src/organization/account-event.ts';
import type { AccountStatus } from '../../src/organization/reachability.ts';
import { toAccountStatusItem } from '../../src/state/account-status-item.ts';
import { DynamoDbAccountStatusStore } from '../../src/state/dynamodb-account-status.ts';
import { DynamoDbStateStore } from '../../src/state/dynamodb-state-store.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from '../support/dynalite.ts';
import {
  type DynamoDbFaultProxy,
  startDynamoDbFaultProxy,
} from '../support/dynamodb-fault-proxy.ts';
import { record } from '../support/fixtures.ts';
import { event } from './event-fixtures.ts';

let db: RunningDynalite;
let proxy: DynamoDbFaultProxy;
let documents: DynamoDBDocumentClient;
beforeAll(async () => {
  db = await startDynalite();
  proxy = await startDynamoDbFaultProxy({ target: db.endpoint });
  documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    }),
  );
});
afterAll(async () => {
  documents.destroy();
  await proxy.close();
  await db.close();
});

let accounts = 0;
function freshAccount(): string {
  accounts += 1;
  return String(330_000_000_000 + accounts);
}

function unreachable(account: string): AccountStatus {
  const unreachableEvent = accountEvent({
    kind: 'account-unreachable',
    account,
    accountName: 'sandbox',
    observedAt: '2026-11-24T12:05:00.000Z',
    since: '2026-11-24T12:00:00.000Z',
    reason: 'AccessDenied: not authorized to perform sts:AssumeRole',
  });
  return {
    account,
    accountName: 'sandbox',
    reachable: false,
    since: '2026-11-24T12:00:00.000Z',
    reason: unreachableEvent.reason,
    streak: null,
    lastObservedAt: '2026-11-24T12:05:00.000Z',
    version: 3,
    outbox: [{ event: unreachableEvent, claimedAt: '2026-11-24T12:05:01.000Z', claimToken: 't' }],
  };
}

const requestsDuring = async <T>(action: () => Promise<T>) => {
  const before = proxy.requests.length;
  const result = await action();
  return { result, operations: proxy.requests.slice(before).map((r) => r.operation) };
};

describe('DynamoDbAccountStatusStore', () => {
  const store = () => new DynamoDbAccountStatusStore(documents, db.tableName);

  it('reads back what it wrote, and a write over a version another run replaced loses', async () => {
    const status = unreachable(freshAccount());
    expect(await store().write(status, 0)).toBe(true);
    expect(await store().load(status.account)).toEqual(status);

    expect(await store().write({ ...status, version: 4 }, 2)).toBe(false);
    expect(await store().write({ ...status, version: 4 }, 0)).toBe(false);
    expect(await store().load(status.account)).toEqual(status);
  });

  it('counts a write whose answer was lost as applied, not as lost to another run', async () => {
    const status = unreachable(freshAccount());
    proxy.dropAnswer(
      (request) =>
        request.operation === 'PutItem' &&
        (request.body.Item as { pk?: { S?: string } }).pk?.S === `ACCOUNT#${status.account}`,
    );

    const { result, operations } = await requestsDuring(() => store().write(status, 0));

    expect(result).toBe(true);
    expect(operations).toEqual(['PutItem', 'PutItem', 'GetItem']);
    expect(await store().load(status.account)).toEqual(status);
  });

  it('refuses an item it cannot read with one message naming the item and the field', async () => {
    const account = freshAccount();
    const item = toAccountStatusItem(unreachable(account));
    await documents.send(
      new PutCommand({ TableName: db.tableName, Item: { ...item, since: 'yesterday' } }),
    );

    const loading = store().load(account);

    await expect(loading).rejects.toThrow(StateStoreError);
    await expect(loading).rejects.toThrow(
      `the reachability item pk=ACCOUNT#${account} sk=REACHABILITY cannot be read: since:`,
    );
  });

  it('is read by the Query that reads the pairs, leaving the history out, so a later load asks nothing', async () => {
    const account = freshAccount();
    const status = unreachable(account);
    const accountStatus = store();
    const pairs = new DynamoDbStateStore({
      client: documents,
      tableName: db.tableName,
      readAlongside: accountStatus.readAlongside,
    });
    const pair = record({ account });
    await pairs.write([{ record: pair, expectedVersion: 0 }]);
    await pairs.appendHistory(event({ account }));
    await accountStatus.write(status, 0);

    const { result: loaded, operations: read } = await requestsDuring(() => pairs.load(account));
    const { result: reachability, operations: readAfter } = await requestsDuring(() =>
      accountStatus.load(account),
    );
    // Used once: the next load reads the table again, for the freshest version.
    const { operations: readAgain } = await requestsDuring(() => accountStatus.load(account));

    expect(loaded).toEqual({ records: [pair], skipped: [] });
    expect(read).toEqual(['Query']);
    expect(reachability).toEqual(status);
    expect(readAfter).toEqual([]);
    expect(readAgain).toEqual(['GetItem']);
  });

  it("learns from the pairs' Query that an account has no reachability item yet", async () => {
    const account = freshAccount();
    const accountStatus = store();
    const pairs = new DynamoDbStateStore({
      client: documents,
      tableName: db.tableName,
      readAlongside: accountStatus.readAlongside,
    });
    await pairs.load(account);

    const { result, operations } = await requestsDuring(() => accountStatus.load(account));

    expect(result).toBeUndefined();
    expect(operations).toEqual([]);
  });
});

describe('DynamoDbStateStore readAlongside', () => {
  it.each(['HISTORY#x', 'STATE#', 'TOKEN'])(
    'refuses the sort key %s, which the range cannot hold alone',
    (sortKey) => {
      expect(
        () =>
          new DynamoDbStateStore({
            client: documents,
            tableName: db.tableName,
            readAlongside: { sortKey, receive: () => {} },
          }),
      ).toThrow(RangeError);
    },
  );
});
