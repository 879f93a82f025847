import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StateStoreError } from '../errors.ts';
import type { PairRecord } from '../grants/pair-record.ts';
import type { TransitionEvent } from '../grants/types.ts';
import {
  accountPartitionKey,
  describeItemKey,
  HISTORY_SORT_KEY_END,
  HISTORY_SORT_KEY_PREFIX,
  readHistoryItem,
  readStateItem,
  STATE_SORT_KEY_PREFIX,
  stateItemKey,
  toHistoryItem,
  toStateItem,
} from './dynamodb-items.ts';
import {
  describeInvalidRecord,
  pairRecordSchema,
  transitionEventSchema,
} from './pair-record-schema.ts';
import type { HistoryQuery, LoadedState, StateStore } from './state-store.ts';

/** The DynamoDB actions this store calls; the Lambda's role needs exactly these on the table. */
export const DYNAMODB_STATE_STORE_ACTIONS = [
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
] as const;

export type DynamoDbOperation = 'Query' | 'PutItem' | 'UpdateItem';

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
}

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
  }

  get tableName(): string {
    return this.#tableName;
  }

  async load(account: string): Promise<LoadedState> {
    const loaded: LoadedState = { records: [], skipped: [] };
    const items = this.#query(`reading the state of account ${account}`, {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: {
        ':pk': accountPartitionKey(account),
        ':prefix': STATE_SORT_KEY_PREFIX,
      },
      // The versions read here are the conditions of this run's writes: they must be fresh.
      ConsistentRead: true,
    });
    for await (const item of items) {
      const reading = readStateItem(item);
      if (reading.ok) loaded.records.push(reading.value);
      else loaded.skipped.push({ key: describeItemKey(item), reason: reading.reason });
    }
    return loaded;
  }

  async put(next: PairRecord, expectedVersion: number): Promise<boolean> {
    const parsed = pairRecordSchema.safeParse(next);
    // Written as it is, an invalid record would be skipped by every later load, for good.
    if (!parsed.success) {
      throw new StateStoreError(
        `refusing to write an invalid record of ${describePair(next)} to DynamoDB table "${this.#tableName}": ${describeInvalidRecord(parsed.error.issues)}`,
      );
    }
    const condition: Pick<
      PutCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    > =
      expectedVersion === 0
        ? {
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': 'pk' },
          }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    try {
      await this.#send(
        'PutItem',
        `writing ${describePair(next)} over version ${expectedVersion}`,
        () =>
          this.#client.send(
            new PutCommand({
              TableName: this.#tableName,
              Item: toStateItem(parsed.data),
              ...condition,
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
    try {
      await this.#send(
        'UpdateItem',
        `removing delivered event ${eventId} from the outbox of ${describePair(pair)}`,
        () =>
          this.#client.send(
            new UpdateCommand({
              TableName: this.#tableName,
              Key: stateItemKey(pair),
              // The version bump makes any write based on the old outbox lose its condition.
              UpdateExpression: 'REMOVE #outbox.#eventId ADD #version :one',
              ConditionExpression: 'attribute_exists(#outbox.#eventId)',
              ExpressionAttributeNames: {
                '#outbox': 'outbox',
                '#eventId': eventId,
                '#version': 'version',
              },
              ExpressionAttributeValues: { ':one': 1 },
              ReturnConsumedCapacity: 'TOTAL',
            }),
          ),
      );
    } catch (error) {
      // Already removed, by this run earlier or by another one: nothing left to do.
      if (isConditionFailure(error)) return;
      throw error;
    }
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

  /** Nothing is buffered: every write is durable once it resolves. */
  async flush(): Promise<void> {}

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

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
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

/** `since` as the sort key spells instants (toISOString), so the key range compares alike. */
function asInstant(since: string): string {
  const time = Date.parse(since);
  return Number.isNaN(time) ? since : new Date(time).toISOString();
}
