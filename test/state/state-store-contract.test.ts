import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { DynamoDbStateStore } from '../../src/state/dynamodb-state-store.ts';
import { FileStateStore } from '../../src/state/file-state-store.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from '../support/dynalite.ts';
import { temporaryDirectory } from '../support/fixtures.ts';
import { MemoryStateStore } from '../support/memory-state-store.ts';
import { describeStateStoreContract } from './state-store-contract.ts';

const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '210987654321';

describeStateStoreContract('MemoryStateStore', {
  numRuns: 100,
  async space() {
    const store = new MemoryStateStore();
    return {
      account: ACCOUNT,
      otherAccount: OTHER_ACCOUNT,
      open: () => store,
      dispose: async () => {},
    };
  },
});

describeStateStoreContract('FileStateStore', {
  numRuns: 25,
  async space() {
    const dir = await temporaryDirectory();
    const path = join(dir.path, 'state.json');
    return {
      account: ACCOUNT,
      otherAccount: OTHER_ACCOUNT,
      open: () => new FileStateStore(path),
      dispose: () => dir.remove(),
    };
  },
});

describe('on dynalite', () => {
  let db: RunningDynalite;
  let client: DynamoDBClient;
  beforeAll(async () => {
    db = await startDynalite();
    client = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
  });
  afterAll(async () => {
    client.destroy();
    await db.close();
  });

  // Every space is two accounts of its own, that is two partitions of its own in one table.
  let accounts = 0;
  describeStateStoreContract('DynamoDbStateStore', {
    numRuns: 10,
    async space() {
      accounts += 2;
      return {
        account: String(300_000_000_000 + accounts),
        otherAccount: String(300_000_000_001 + accounts),
        open: () => new DynamoDbStateStore({ client, tableName: db.tableName }),
        dispose: async () => {},
      };
    },
  });
});
