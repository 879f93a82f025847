import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StateStoreError } from '../errors.ts';
import type { OutboxEntry, PairRecord } from '../grants/pair-record.ts';
import type { TransitionEvent } from '../grants/types.ts';
import {
  accountPartitionKey,
  describeItemKey,
  HISTORY_SORT_KEY_END,
  HISTORY_SORT_KEY_PREFIX,
  isConditionFailure,
  readHistoryItem,
  readStateItem,
  STATE_SORT_KEY_PREFIX,
  stateItemKey,
  toHistoryItem,
  toStateItem,
} from './dynamodb-items.ts';
import { removeOutboxEntry, replaceClaimedOutboxEntry } from './outbox-updates.ts';
import {
  describeInvalidRecord,
  outboxEntrySchema,
  pairRecordSchema,
  transitionEventSchema,
} from './pair-record-schema.ts';
import {
  asInstant,
  type HistoryQuery,
  type LoadedState,
  type PairWrite,
  type StateStore,
} from './state-store.ts';
import { versionedPut } from './versioned-put.ts';

/** The DynamoDB actions this store calls; the Lambda's role needs exactly these on the table. */
export const DYNAMODB_STATE_STORE_ACTIONS = [
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
] as const;

export type DynamoDbOperation = 'Query' | 'GetItem' | 'PutItem' | 'UpdateItem';

// Pairs written at once: a first run writes every pair, later runs only what changed.
const WRITE_CONCURRENCY = 8;

export interface DynamoDbStateStoreOptions {
  /** Built by the caller (handler, CLI, test); its endpoint comes from the SDK's own resolution. */
  client: DynamoDBDocumentClient | DynamoDBClient;
  tableName: string;
  /** How long history items live before DynamoDB's TTL deletes them. Default 90. */
  historyTtlDays?: number;
  /** Called with what DynamoDB reports for every request it answered, so a benchmark can count. */
  onConsumedCapacity?: (operation: DynamoDbOperation, capacityUnits: number) => void;
  /** Items per Query page. Unset: DynamoDB's own 1 MB pages. Small values test pagination. */
  pageLimit?: number;
  /**
   * One more item of the account's partition for `load` to read in the same Query as the pairs
   * (organization mode: the member's reachability), handed to `receive` (undefined when there
   * is none). Its sort key must sort before the state items and after the history items.
   */
  readAlongside?: {
    sortKey: string;
    receive(account: string, item: Record<string, unknown> | undefined): void;
  };
}

/** Sorts right after every state item's sort key ('$' follows '#'): the end of their range. */
const STATE_SORT_KEY_END = `${STATE_SORT_KEY_PREFIX.slice(0, -1)}$`;

/**
 * The Lambda's state: one DynamoDB table, every write a single-item conditional write, so
 * every write is durable when it resolves and of overlapping runs only one wins.
 */
export class DynamoDbStateStore implements StateStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #historyTtlDays: number;
  readonly #pageLimit: number | undefined;
  readonly #onConsumedCapacity: DynamoDbStateStoreOptions['onConsumedCapacity'];
  readonly #readAlongside: DynamoDbStateStoreOptions['readAlongside'];

  constructor(options: DynamoDbStateStoreOptions) {
    const ttlDays = options.historyTtlDays ?? 90;
    if (!Number.isInteger(ttlDays) || ttlDays < 1) {
      throw new RangeError(`historyTtlDays must be a whole number of days >= 1, got ${ttlDays}`);
    }
    this.#client =
      options.client instanceof DynamoDBDocumentClient
        ? options.client
        : DynamoDBDocumentClient.from(options.client);
    this.#tableName = options.tableName;
    this.#historyTtlDays = ttlDays;
    this.#pageLimit = options.pageLimit;
    this.#onConsumedCapacity = options.onConsumedCapacity;
    const alongside = options.readAlongside;
    if (
      alongside !== undefined &&
      !(alongside.sortKey > HISTORY_SORT_KEY_END && alongside.sortKey < STATE_SORT_KEY_PREFIX)
    ) {
      throw new RangeError(
        `readAlongside.sortKey "${alongside.sortKey}" must sort between the history items and the state items`,
      );
    }
    this.#readAlongside = alongside;
  }

  get tableName(): string {
    return this.#tableName;
  }

  async load(account: string): Promise<LoadedState> {
    const loaded: LoadedState = { records: [], skipped: [] };
    const alongside = this.#readAlongside;
    const items = this.#query(`reading the state of account ${account}`, {
      ...(alongside === undefined
        ? {
            KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
            ExpressionAttributeValues: {
              ':pk': accountPartitionKey(account),
              ':prefix': STATE_SORT_KEY_PREFIX,
            },
          }
        : {
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': accountPartitionKey(account),
              ':from': alongside.sortKey,
              ':to': STATE_SORT_KEY_END,
            },
          }),
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      // The versions read here are the conditions of this run's writes: they must be fresh.
      ConsistentRead: true,
    });
    let alongsideItem: Record<string, unknown> | undefined;
    for await (const item of items) {
      if (alongside !== undefined && item.sk === alongside.sortKey) {
        alongsideItem = item;
        continue;
      }
      const reading = readStateItem(item);
      if (reading.ok) loaded.records.push(reading.value);
      else loaded.skipped.push({ key: describeItemKey(item), reason: reading.reason });
    }
    alongside?.receive(account, alongsideItem);
    return loaded;
  }

  async write(writes: readonly PairWrite[]): Promise<boolean[]> {
    // Every record is checked before any is sent: a batch is refused whole, not in part.
    const items = writes.map(({ record }) => this.#validItem(record));
    const applied = new Array<boolean>(writes.length);
    let next = 0;
    const worker = async () => {
      while (next < writes.length) {
        const index = next++;
        const { record, expectedVersion } = writes[index] as PairWrite;
        applied[index] = await this.#put(
          record,
          items[index] as Record<string, unknown>,
          expectedVersion,
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, writes.length) }, worker));
    return applied;
  }

  /** The item for `record`; an invalid record would be skipped by every later load, for good. */
  #validItem(record: PairRecord): Record<string, unknown> {
    const parsed = pairRecordSchema.safeParse(record);
    if (!parsed.success) {
      throw new StateStoreError(
        `refusing to write an invalid record of ${describePair(record)} to DynamoDB table "${this.#tableName}": ${describeInvalidRecord(parsed.error.issues)}`,
      );
    }
    return toStateItem(parsed.data);
  }

  #outboxItem(pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>, eventId: string) {
    return {
      client: this.#client,
      tableName: this.#tableName,
      key: stateItemKey(pair),
      eventId,
      owner: describePair(pair),
    };
  }

  #put(next: PairRecord, item: Record<string, unknown>, expectedVersion: number) {
    return versionedPut(
      {
        client: this.#client,
        tableName: this.#tableName,
        key: stateItemKey(next),
        item,
        expectedVersion,
        what: describePair(next),
      },
      (operation, purpose, request) => this.#send(operation, purpose, request),
    );
  }

  async updateOutboxEntry(
    pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
    entry: OutboxEntry,
  ): Promise<boolean> {
    const parsed = outboxEntrySchema.safeParse(entry);
    if (!parsed.success) {
      throw new StateStoreError(
        `refusing to write an invalid outbox entry ${entry.event.eventId} to DynamoDB table "${this.#tableName}": ${describeInvalidRecord(parsed.error.issues)}`,
      );
    }
    return replaceClaimedOutboxEntry(
      this.#outboxItem(pair, entry.event.eventId),
      parsed.data,
      entry.claimToken,
      (operation, purpose, request) => this.#send(operation, purpose, request),
    );
  }

  async appendHistory(event: TransitionEvent): Promise<void> {
    const parsed = transitionEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new StateStoreError(
        `refusing to write an invalid transition event ${event.eventId} to DynamoDB table "${this.#tableName}": ${describeInvalidRecord(parsed.error.issues)}`,
      );
    }
    // Unconditional: the key is made of the event, so a second write stores the same item.
    await this.#send('PutItem', `recording transition ${event.eventId} in the history`, () =>
      this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: toHistoryItem(parsed.data, this.#historyTtlDays),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  }

  async removeFromOutbox(
    pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
    eventId: string,
  ): Promise<void> {
    await removeOutboxEntry(this.#outboxItem(pair, eventId), (operation, purpose, request) =>
      this.#send(operation, purpose, request),
    );
  }

  async history(query: HistoryQuery): Promise<TransitionEvent[]> {
    const names: Record<string, string> = { '#pk': 'pk', '#sk': 'sk' };
    const values: Record<string, string> = {
      ':pk': accountPartitionKey(query.account),
      ':from': `${HISTORY_SORT_KEY_PREFIX}${query.since === undefined ? '' : asInstant(query.since)}`,
      ':to': HISTORY_SORT_KEY_END,
    };
    const filters: string[] = [];
    for (const field of ['modelId', 'region'] as const) {
      const wanted = query[field];
      if (wanted === undefined) continue;
      filters.push(`#${field} = :${field}`);
      names[`#${field}`] = field;
      values[`:${field}`] = wanted;
    }
    const items = this.#query(`reading the history of account ${query.account}`, {
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    // The sort key starts with observedAt: DynamoDB's order is already oldest first.
    const events: TransitionEvent[] = [];
    for await (const item of items) {
      const reading = readHistoryItem(item);
      if (reading.ok) events.push(reading.value);
    }
    return events;
  }

  /** Every item the query matches, one request per page. */
  async *#query(
    purpose: string,
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
  ): AsyncGenerator<Record<string, unknown>> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#send('Query', purpose, () =>
        this.#client.send(
          new QueryCommand({
            ...input,
            TableName: this.#tableName,
            ExclusiveStartKey: startKey,
            Limit: this.#pageLimit,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      );
      yield* page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  /**
   * One request. A failed condition is passed on as it is (the callers expect it); any other
   * failure becomes a StateStoreError naming the table and what was being done.
   */
  async #send<Output extends { ConsumedCapacity?: ConsumedCapacity | undefined }>(
    operation: DynamoDbOperation,
    purpose: string,
    request: () => Promise<Output>,
  ): Promise<Output> {
    let output: Output;
    try {
      output = await request();
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw new StateStoreError(
        `DynamoDB table "${this.#tableName}": ${operation} failed while ${purpose}: ${describeError(error)}`,
        { cause: error },
      );
    }
    const units = output.ConsumedCapacity?.CapacityUnits;
    if (units !== undefined) this.#onConsumedCapacity?.(operation, units);
    return output;
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const name = error.name === 'Error' && code !== undefined ? code : error.name;
  // Node's network errors already name their code in the message.
  const text = !error.message
    ? name
    : error.message.includes(name)
      ? error.message
      : `${name}: ${error.message}`;
  return error.name === 'ResourceNotFoundException'
    ? `${text} (does the table exist in this account and region?)`
    : text;
}

function describePair(pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>): string {
  return `${pair.modelId} in ${pair.region} of account ${pair.account}`;
}
