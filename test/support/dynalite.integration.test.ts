import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../src/state/dynamodb-state-store.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from './dynalite.ts';

describe('the dynalite stand-in', () => {
  let dynamo: RunningDynalite | undefined;
  afterEach(async () => {
    await dynamo?.close();
    dynamo = undefined;
  });

  it('records each request and the capacity units its answer reported, as the store saw them', async () => {
    dynamo = await startDynalite();
    const seen: Array<{ operation: string; units: number }> = [];
    const store = new DynamoDbStateStore({
      client: new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: TEST_CREDENTIALS,
      }),
      tableName: dynamo.tableName,
      onConsumedCapacity: (operation, units) => seen.push({ operation, units }),
    });

    await store.load('123456789012');

    expect(dynamo.requests).toEqual(['Query']);
    expect(seen).toHaveLength(1);
    expect(dynamo.consumed).toEqual(seen);
  });
});
