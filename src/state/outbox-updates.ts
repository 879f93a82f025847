/**
 * The two single-item updates of an outbox held in a map keyed by eventId (a pair's state item,
 * a member's reachability item): each bumps the item's version, so any write based on the old
 * outbox loses its condition.
 */
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type ItemKey, isConditionFailure } from './dynamodb-items.ts';
import type { SendThroughStore } from './versioned-put.ts';

export interface OutboxItem {
  client: DynamoDBDocumentClient;
  tableName: string;
  key: ItemKey;
  eventId: string;
  /** Whose outbox, for error messages: "the outbox of ...". */
  owner: string;
}

/**
 * Replaces the entry `eventId` with `entry` (already validated) while the claim under which it
 * was read still holds. Resolves false when the entry is gone or another run claimed it.
 */
export async function replaceClaimedOutboxEntry(
  item: OutboxItem,
  entry: Record<string, unknown>,
  claimToken: string | undefined,
  send: SendThroughStore,
): Promise<boolean> {
  try {
    await send('UpdateItem', `updating ${item.eventId} in the outbox of ${item.owner}`, () =>
      item.client.send(
        new UpdateCommand({
          TableName: item.tableName,
          Key: item.key,
          UpdateExpression: 'SET #outbox.#eventId = :entry ADD #version :one',
          ConditionExpression: '#outbox.#eventId.#claimToken = :claimToken',
          ExpressionAttributeNames: {
            '#outbox': 'outbox',
            '#eventId': item.eventId,
            '#claimToken': 'claimToken',
            '#version': 'version',
          },
          ExpressionAttributeValues: {
            ':entry': entry,
            ':claimToken': claimToken ?? null,
            ':one': 1,
          },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Drops the delivered entry `eventId`; one already removed (by this run or another) is done. */
export async function removeOutboxEntry(item: OutboxItem, send: SendThroughStore): Promise<void> {
  try {
    await send(
      'UpdateItem',
      `removing delivered event ${item.eventId} from the outbox of ${item.owner}`,
      () =>
        item.client.send(
          new UpdateCommand({
            TableName: item.tableName,
            Key: item.key,
            UpdateExpression: 'REMOVE #outbox.#eventId ADD #version :one',
            ConditionExpression: 'attribute_exists(#outbox.#eventId)',
            ExpressionAttributeNames: {
              '#outbox': 'outbox',
              '#eventId': item.eventId,
              '#version': 'version',
            },
            ExpressionAttributeValues: { ':one': 1 },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
    );
  } catch (error) {
    if (isConditionFailure(error)) return;
    throw error;
  }
}
