/**
 * Organization mode: each member account's reachability (organization/reachability.ts), one
 * item beside the account's pairs in its partition (account-status-item.ts). Written with the
 * same versioned single-item writes as the pairs, so of two workers handling the same period
 * only one claims an event. On a member's run the item comes with the Query that reads the
 * pairs (`readAlongside`), so a quiet period reads the account once and writes nothing.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describeError, StateStoreError } from '../errors.ts';
import type { AccountStatus } from '../organization/reachability.ts';
import {
  REACHABILITY_SORT_KEY,
  reachabilityItemKey,
  readAccountStatusItem,
  toAccountStatusItem,
} from './account-status-item.ts';
import { accountOutboxEntrySchema } from './account-status-schema.ts';
import { describeItemKey, isConditionFailure } from './dynamodb-items.ts';
import type { DynamoDbStateStoreOptions } from './dynamodb-state-store.ts';
import { removeOutboxEntry, replaceClaimedOutboxEntry } from './outbox-updates.ts';
import { describeInvalidRecord } from './pair-record-schema.ts';
import { versionedPut } from './versioned-put.ts';

export interface AccountStatusStore {
  load(account: string): Promise<AccountStatus | undefined>;
  /** Whether `record` replaced version `expectedVersion` (0: none stored); false: another run did. */
  write(record: AccountStatus, expectedVersion: number): Promise<boolean>;
  /**
   * Replaces an outbox entry (the targets that accepted it) while this run's claim still holds
   * it, and bumps the version; false: the entry is gone or another run's claim holds it.
   */
  updateOutboxEntry(account: string, entry: AccountOutboxEntry): Promise<boolean>;
  /** Drops a delivered event from the account's outbox. */
  removeFromOutbox(account: string, eventId: string): Promise<void>;
}

export type AccountOutboxEntry = AccountStatus['outbox'][number];

export class DynamoDbAccountStatusStore implements AccountStatusStore {
  /** Items the pairs' Query read (null: none stored), each used by the next `load` once. */
  readonly #readAlong = new Map<string, Record<string, unknown> | null>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** For the pair store's options: its Query hands this store the account's item. */
  get readAlongside(): NonNullable<DynamoDbStateStoreOptions['readAlongside']> {
    return {
      sortKey: REACHABILITY_SORT_KEY,
      receive: (account, item) => this.#readAlong.set(account, item ?? null),
    };
  }

  async load(account: string): Promise<AccountStatus | undefined> {
    let item = this.#readAlong.get(account);
    this.#readAlong.delete(account);
    if (item === undefined) {
      const output = await this.send('GetItem', `reading the reachability of ${account}`, () =>
        this.client.send(
          new GetCommand({
            TableName: this.tableName,
            Key: reachabilityItemKey(account),
            ConsistentRead: true,
          }),
        ),
      );
      item = output.Item ?? null;
    }
    if (item === null) return undefined;
    const reading = readAccountStatusItem(item);
    // Not guessed at, not overwritten: the message fails, naming the item, until it is fixed.
    if (!reading.ok) {
      throw new StateStoreError(
        `DynamoDB table "${this.tableName}": the reachability item ${describeItemKey(item)} cannot be read: ${reading.reason}. Fix or delete the item; the account's checks go on meanwhile, its reachability is not recorded.`,
      );
    }
    return reading.value;
  }

  write(record: AccountStatus, expectedVersion: number): Promise<boolean> {
    return versionedPut(
      {
        client: this.client,
        tableName: this.tableName,
        key: reachabilityItemKey(record.account),
        item: toAccountStatusItem(record),
        expectedVersion,
        what: `the reachability of ${record.account}`,
      },
      (operation, purpose, request) => this.send(operation, purpose, request),
    );
  }

  async updateOutboxEntry(account: string, entry: AccountOutboxEntry): Promise<boolean> {
    const eventId = entry.event.eventId;
    const parsed = accountOutboxEntrySchema.safeParse(entry);
    if (!parsed.success) {
      throw new StateStoreError(
        `refusing to write an invalid outbox entry ${eventId} of account ${account} to DynamoDB table "${this.tableName}": ${describeInvalidRecord(parsed.error.issues)}`,
      );
    }
    return replaceClaimedOutboxEntry(
      this.outboxItem(account, eventId),
      parsed.data,
      entry.claimToken,
      (operation, purpose, request) => this.send(operation, purpose, request),
    );
  }

  async removeFromOutbox(account: string, eventId: string): Promise<void> {
    await removeOutboxEntry(this.outboxItem(account, eventId), (operation, purpose, request) =>
      this.send(operation, purpose, request),
    );
  }

  private outboxItem(account: string, eventId: string) {
    return {
      client: this.client,
      tableName: this.tableName,
      key: reachabilityItemKey(account),
      eventId,
      owner: `account ${account}`,
    };
  }

  private async send<T extends { ConsumedCapacity?: ConsumedCapacity | undefined }>(
    operation: string,
    purpose: string,
    request: () => Promise<T>,
  ): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw new StateStoreError(
        `DynamoDB table "${this.tableName}": ${operation} failed while ${purpose}: ${describeError(error)}`,
        { cause: error },
      );
    }
  }
}
