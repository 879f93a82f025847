/**
 * The per-account view of one pair in the deployed table ("which accounts can use model X in
 * region R"): for each account, its pair item (`STATE#<region>#<modelId>`) and its
 * `REACHABILITY` item, read by key with BatchGetItem (at most 100 keys a call, the keys
 * DynamoDB leaves unprocessed asked again with a growing pause). Never a Scan: the cost is two
 * item reads per account, whatever else the table holds.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { describeError, StateStoreError } from '../errors.ts';
import type { PairRecord } from '../grants/pair-record.ts';
import type { AccountStatus } from '../organization/reachability.ts';
import { reachabilityItemKey, readAccountStatusItem } from './account-status-item.ts';
import { type ItemKey, type ItemReading, readStateItem, stateItemKey } from './dynamodb-items.ts';

/** BatchGetItem's limit of keys per request. */
export const BATCH_GET_LIMIT = 100;

export interface AccountPairItems {
  account: string;
  /** The pair's item; undefined: none stored (never checked, or not watched there). */
  pair: ItemReading<PairRecord> | undefined;
  /** The account's reachability; undefined: none stored (not organization mode, or never run). */
  reachability: ItemReading<AccountStatus> | undefined;
}

export interface AccountViewReadOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  accounts: readonly string[];
  region: string;
  modelId: string;
  /** Rounds of BatchGetItem before keys still unprocessed fail the read. */
  maxRounds?: number;
  /** The pause before round `round` (2, 3, ...) asks the unprocessed keys again. */
  pauseMs?: (round: number) => number;
}

export interface AccountViewRead {
  items: AccountPairItems[];
  /** BatchGetItem calls made, for the cost of a read. */
  calls: number;
}

const DEFAULT_MAX_ROUNDS = 8;
const defaultPause = (round: number) => Math.min(50 * 2 ** (round - 2), 2_000);

export async function readAccountPairItems(
  options: AccountViewReadOptions,
): Promise<AccountViewRead> {
  const { client, tableName } = options;
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  const pause = options.pauseMs ?? defaultPause;
  const found = new Map<string, Record<string, unknown>>();
  let pending: ItemKey[] = options.accounts.flatMap((account) => [
    stateItemKey({ account, region: options.region, modelId: options.modelId }),
    reachabilityItemKey(account),
  ]);
  let calls = 0;
  for (let round = 1; pending.length > 0; round++) {
    if (round > maxRounds) {
      const accounts = [...new Set(pending.map((key) => key.pk.replace(/^ACCOUNT#/, '')))];
      throw new StateStoreError(
        `DynamoDB table "${tableName}": ${pending.length} of the keys stayed unprocessed after ${maxRounds} BatchGetItem rounds (the table's read capacity is exhausted?), for the accounts ${accounts.join(', ')}. Try again in a minute.`,
      );
    }
    if (round > 1) await new Promise((resolve) => setTimeout(resolve, pause(round)));
    const unprocessed: ItemKey[] = [];
    for (let start = 0; start < pending.length; start += BATCH_GET_LIMIT) {
      const keys = pending.slice(start, start + BATCH_GET_LIMIT);
      calls += 1;
      let output: BatchGetCommandOutput;
      try {
        output = await client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }),
        );
      } catch (error) {
        throw new StateStoreError(
          `DynamoDB table "${tableName}": BatchGetItem of ${keys.length} keys failed: ${describeError(error)}`,
          { cause: error },
        );
      }
      for (const item of output.Responses?.[tableName] ?? []) {
        found.set(`${String(item.pk)} ${String(item.sk)}`, item);
      }
      unprocessed.push(...((output.UnprocessedKeys?.[tableName]?.Keys ?? []) as ItemKey[]));
    }
    pending = unprocessed;
  }
  const items = options.accounts.map((account): AccountPairItems => {
    const pairKey = stateItemKey({ account, region: options.region, modelId: options.modelId });
    const pairItem = found.get(`${pairKey.pk} ${pairKey.sk}`);
    const reachabilityKey = reachabilityItemKey(account);
    const reachabilityItem = found.get(`${reachabilityKey.pk} ${reachabilityKey.sk}`);
    return {
      account,
      pair: pairItem === undefined ? undefined : readStateItem(pairItem),
      reachability:
        reachabilityItem === undefined ? undefined : readAccountStatusItem(reachabilityItem),
    };
  });
  return { items, calls };
}
