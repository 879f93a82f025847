/**
 * "Which accounts can use model X in region R": one row per account, its stored state of that
 * pair and its reachability, from the local files (every account they hold) or from the
 * deployed table (the accounts the config watches: its fixed ids, the organization as AWS
 * Organizations lists it, or the one account of single-account mode), read by key.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { resolveTargets, type WatchedConfig } from '../config/watched-config.ts';
import { UsageError } from '../errors.ts';
import type { PairRecord } from '../grants/pair-record.ts';
import type { GrantState } from '../grants/types.ts';
import { listMemberAccounts } from '../organization/list-accounts.ts';
import type { AccountStatus } from '../organization/reachability.ts';
import type { MemberAccount } from '../organization/work-message.ts';
import { readAccountPairItems } from '../state/dynamodb-account-view.ts';
import { accountStatusPath, FileAccountStatusStore } from '../state/file-account-status.ts';
import type { FileStateStore } from '../state/file-state-store.ts';
import type { SkippedItem } from '../state/state-store.ts';

export interface AccountViewRow {
  account: string;
  /** Its name in AWS Organizations, where the listing or the stored reachability gave one. */
  accountName: string | null;
  /** The stored state of the pair; null: none stored (never checked there, or unreadable). */
  state: GrantState | null;
  since: string | null;
  /** Answers against ENABLED not yet enough to confirm a revocation. */
  pendingRevocation: PairRecord['pendingRevocation'];
  /** null: nothing stored (single-account mode, or the account never checked). */
  reachability: {
    reachable: boolean;
    since: string;
    /** Why it is unreachable, or why its last periods were without access. */
    reason: string | null;
    /** Periods in a row without access, not yet enough to call it unreachable. */
    periodsWithoutAccess: number;
  } | null;
}

export interface AccountView {
  source: string;
  modelId: string;
  region: string;
  rows: AccountViewRow[];
  skipped: SkippedItem[];
}

export interface PairQuery {
  modelId: string;
  region: string;
  /** Only this account. */
  account?: string | undefined;
}

/** A pair the config does not watch is a mistyped id or region, most of the time: say so. */
export function assertWatched(config: WatchedConfig, configPath: string, query: PairQuery): void {
  const targets = resolveTargets(config);
  if (targets.some((t) => t.modelId === query.modelId && t.region === query.region)) return;
  const model = config.models.find((m) => m.id === query.modelId);
  if (model === undefined) {
    throw new UsageError(
      `status: --model ${query.modelId} is not watched by ${configPath}; it watches ${config.models.map((m) => m.id).join(', ')}.`,
    );
  }
  const regions = model.regions ?? config.regions;
  throw new UsageError(
    `status: ${query.modelId} is not watched in ${query.region} by ${configPath}; it is watched in ${regions.join(', ')}.`,
  );
}

/** Every account of the local state file and of its account-status file. */
export async function accountViewFromFiles(
  store: FileStateStore,
  query: PairQuery,
): Promise<AccountView> {
  const statusStore = new FileAccountStatusStore(accountStatusPath(store.path));
  const [pairs, statuses] = await Promise.all([store.loadAllAccounts(), statusStore.loadAll()]);
  const accounts = new Set([
    ...pairs.records.map((record) => record.account),
    ...statuses.statuses.map((status) => status.account),
  ]);
  const rows = [...accounts]
    .filter((account) => query.account === undefined || account === query.account)
    .sort()
    .map((account) =>
      toRow(
        { id: account, name: null },
        pairs.records.find(
          (r) => r.account === account && r.modelId === query.modelId && r.region === query.region,
        ),
        statuses.statuses.find((status) => status.account === account),
      ),
    );
  return {
    source: store.path,
    modelId: query.modelId,
    region: query.region,
    rows,
    skipped: [
      ...pairs.skipped,
      ...statuses.skipped.map((item) => ({ ...item, key: `${statusStore.path} ${item.key}` })),
    ],
  };
}

export interface TableViewOptions {
  client: DynamoDBClient;
  tableName: string;
  config: WatchedConfig;
  organizations: () => OrganizationsClient;
  /** The account of single-account mode (the config has no `accounts`): --account or the caller's. */
  ownAccount: () => Promise<string>;
}

/** The accounts the config watches, each read by key (BatchGetItem), never a Scan. */
export async function accountViewFromTable(
  options: TableViewOptions,
  query: PairQuery,
): Promise<AccountView> {
  const listed: MemberAccount[] =
    options.config.accounts === undefined
      ? [{ id: await options.ownAccount(), name: null }]
      : (await listMemberAccounts(options.config.accounts, options.organizations)).accounts;
  const accounts = listed.filter((a) => query.account === undefined || a.id === query.account);
  if (query.account !== undefined && accounts.length === 0) {
    throw new UsageError(
      `status: account ${query.account} is not among the accounts the config watches (${listed.map((a) => a.id).join(', ') || 'none'}).`,
    );
  }
  const { items } = await readAccountPairItems({
    client: DynamoDBDocumentClient.from(options.client),
    tableName: options.tableName,
    accounts: accounts.map((account) => account.id),
    region: query.region,
    modelId: query.modelId,
  });
  const skipped: SkippedItem[] = [];
  const rows = items.map((item, index) => {
    const pair = item.pair?.ok === false ? undefined : item.pair?.value;
    const status = item.reachability?.ok === false ? undefined : item.reachability?.value;
    if (item.pair?.ok === false) {
      skipped.push({
        key: `${item.account} ${query.region} ${query.modelId}`,
        reason: item.pair.reason,
      });
    }
    if (item.reachability?.ok === false) {
      skipped.push({ key: `${item.account} reachability`, reason: item.reachability.reason });
    }
    return toRow(accounts[index] as MemberAccount, pair, status);
  });
  return {
    source: `table ${options.tableName}`,
    modelId: query.modelId,
    region: query.region,
    rows,
    skipped,
  };
}

function toRow(
  account: MemberAccount,
  pair: PairRecord | undefined,
  status: AccountStatus | undefined,
): AccountViewRow {
  return {
    account: account.id,
    accountName: account.name ?? status?.accountName ?? null,
    state: pair?.state ?? null,
    since: pair?.since ?? null,
    pendingRevocation: pair?.pendingRevocation ?? null,
    reachability:
      status === undefined
        ? null
        : {
            reachable: status.reachable,
            since: status.since,
            // Why it is unreachable, or why its last periods were without access; else none.
            reason: status.reachable ? (status.streak?.reason ?? null) : status.reason,
            periodsWithoutAccess: status.streak?.count ?? 0,
          },
  };
}
