import { randomUUID } from 'node:crypto';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type ItemKey, isConditionFailure, versionCondition } from './dynamodb-items.ts';

/** The attribute that tells one write from another (see versionedPut). */
export const WRITE_TOKEN_ATTRIBUTE = 'writeToken';

/**
 * One request through the store's own error handling: a failed condition passes through as it
 * is, any other failure names the table and `purpose`.
 */
export type SendThroughStore = <T extends { ConsumedCapacity?: ConsumedCapacity | undefined }>(
  operation: 'PutItem' | 'GetItem' | 'UpdateItem',
  purpose: string,
  request: () => Promise<T>,
) => Promise<T>;

export interface VersionedPut {
  client: DynamoDBDocumentClient;
  tableName: string;
  key: ItemKey;
  item: Record<string, unknown>;
  /** 0: no item may be stored yet. */
  expectedVersion: number;
  /** What is written, for error messages: "writing ... over version N". */
  what: string;
}

/**
 * Writes `item` if the stored one is still at `expectedVersion`; resolves whether it did. When
 * the SDK retries a write whose answer was lost, the retry fails the condition its own first
 * attempt changed: the write token stored with the item shows that it landed all the same.
 */
export async function versionedPut(put: VersionedPut, send: SendThroughStore): Promise<boolean> {
  const writeToken = randomUUID();
  try {
    await send('PutItem', `writing ${put.what} over version ${put.expectedVersion}`, () =>
      put.client.send(
        new PutCommand({
          TableName: put.tableName,
          Item: { ...put.item, [WRITE_TOKEN_ATTRIBUTE]: writeToken },
          ...versionCondition(put.expectedVersion),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return (await storedWriteToken(put, error, send)) === writeToken;
  }
}

/**
 * The write token of the item that failed a write's condition: from the failure itself
 * (DynamoDB returns the item when asked), or read again where the answer did not carry it.
 */
async function storedWriteToken(
  put: VersionedPut,
  failure: unknown,
  send: SendThroughStore,
): Promise<unknown> {
  const returned = (failure as { Item?: Record<string, { S?: string }> }).Item;
  if (returned !== undefined) return returned[WRITE_TOKEN_ATTRIBUTE]?.S;
  const output = await send(
    'GetItem',
    `reading ${put.what} after a write failed its condition`,
    () =>
      put.client.send(
        new GetCommand({
          TableName: put.tableName,
          Key: put.key,
          ConsistentRead: true,
          ProjectionExpression: '#token',
          ExpressionAttributeNames: { '#token': WRITE_TOKEN_ATTRIBUTE },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
  );
  return output.Item?.[WRITE_TOKEN_ATTRIBUTE];
}
