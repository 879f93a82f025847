/**
 * Organization mode: each member account's reachability (organization/reachability.ts), one
 * item beside the account's pairs in its partition (`ACCOUNT#<id>`, sort key `REACHABILITY`,
 * which the pairs' `STATE#` Query does not read). Written with the same single-item
 * conditional writes as the pairs, so of two workers handling the same period only one claims
 * an event.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { describeError, StateStoreError } from '../errors.ts';
import type { AccountStatus } from '../organization/reachability.ts';
import {
  accountPartitionKey,
  ITEM_VERSION,
  isConditionFailure,
  versionCondition,
} from './dynamodb-items.ts';

const SORT_KEY = 'REACHABILITY';

export interface AccountStatusStore {
  load(account: string): Promise<AccountStatus | undefined>;
  /** Whether `record` replaced version `expectedVersion` (0: none stored); false: another run did. */
  write(record: AccountStatus, expectedVersion: number): Promise<boolean>;
  /** Drops a delivered event from the account's outbox. */
  removeFromOutbox(account: string, eventId: string): Promise<void>;
}

export class DynamoDbAccountStatusStore implements AccountStatusStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(account: string): Promise<AccountStatus | undefined> {
    const output = await this.send(`reading the reachability of ${account}`, () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key(account), ConsistentRead: true }),
      ),
    );
    const item = output.Item;
    // An item of another shape version is read as none: the next write replaces it.
    if (item === undefined || item.itemVersion !== ITEM_VERSION) return undefined;
    return {
      account,
      accountName: (item.accountName as string | null) ?? null,
      reachable: item.reachable === true,
      since: String(item.since),
      reason: (item.reason as string | null) ?? null,
      streak: (item.streak as AccountStatus['streak']) ?? null,
      lastObservedAt: String(item.lastObservedAt),
      version: Number(item.version),
      outbox: Object.values((item.outbox as Record<string, AccountStatus['outbox'][number]>) ?? {}),
    };
  }

  async write(record: AccountStatus, expectedVersion: number): Promise<boolean> {
    const condition = versionCondition(expectedVersion);
    try {
      await this.send(`writing the reachability of ${record.account}`, () =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...key(record.account),
              itemVersion: ITEM_VERSION,
              account: record.account,
              accountName: record.accountName,
              reachable: record.reachable,
              since: record.since,
              reason: record.reason,
              streak: record.streak,
              lastObservedAt: record.lastObservedAt,
              version: record.version,
              outbox: Object.fromEntries(
                record.outbox.map((entry) => [entry.event.eventId, entry]),
              ),
            },
            ...condition,
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async removeFromOutbox(account: string, eventId: string): Promise<void> {
    await this.send(`removing ${eventId} from the outbox of ${account}`, () =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(account),
          UpdateExpression: 'REMOVE #outbox.#eventId ADD #version :one',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: {
            '#outbox': 'outbox',
            '#eventId': eventId,
            '#version': 'version',
            '#pk': 'pk',
          },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
  }

  private async send<T>(purpose: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw new StateStoreError(
        `DynamoDB table "${this.tableName}": failed while ${purpose}: ${describeError(error)}`,
        { cause: error },
      );
    }
  }
}

function key(account: string): { pk: string; sk: string } {
  return { pk: accountPartitionKey(account), sk: SORT_KEY };
}
