/**
 * The member accounts of one planning run: the config's fixed `ids`, or the ACTIVE accounts of
 * the organization (all of them, or those under the `include` roots and OUs, nested OUs too),
 * minus `exclude`, in a stable order. Organizations throttles its List operations hard (a few
 * requests a second per account); the client's adaptive retry absorbs TooManyRequestsException.
 */
import {
  type Account,
  type OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListChildren,
} from '@aws-sdk/client-organizations';
import type { WatchedConfig } from '../config/watched-config.ts';
import { AccountListingError, describeError } from '../errors.ts';
import type { MemberAccount } from './work-message.ts';

type AccountsConfig = NonNullable<WatchedConfig['accounts']>;

/** What one listing found: the accounts to check, and how many were left out and why. */
export interface AccountListing {
  accounts: MemberAccount[];
  /** Accounts of the organization that are not ACTIVE (SUSPENDED, PENDING_CLOSURE, ...). */
  inactive: number;
  excluded: number;
}

export async function listMemberAccounts(
  config: AccountsConfig,
  client: () => OrganizationsClient,
): Promise<AccountListing> {
  if (config.ids !== undefined) {
    return { accounts: config.ids.map((id) => ({ id, name: null })), inactive: 0, excluded: 0 };
  }
  const organization = config.organization ?? {};
  let listed: Account[];
  try {
    listed =
      organization.include === undefined
        ? await collect(paginateListAccounts({ client: client() }, {}), (page) => page.Accounts)
        : await accountsUnder(client(), organization.include);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw error;
    throw new AccountListingError(
      `The accounts could not be listed from AWS Organizations: ${describeError(error)}. The hub must be the organization's management account or a delegated administrator, and the function's role needs organizations:ListAccounts, ListAccountsForParent and ListChildren.`,
      { cause: error },
    );
  }
  const exclude = new Set(organization.exclude ?? []);
  const seen = new Set<string>();
  const result: AccountListing = { accounts: [], inactive: 0, excluded: 0 };
  for (const account of listed) {
    const id = account.Id;
    if (id === undefined || seen.has(id)) continue;
    seen.add(id);
    if (exclude.has(id)) result.excluded += 1;
    else if (stateOf(account) !== 'ACTIVE') result.inactive += 1;
    else result.accounts.push({ id, name: account.Name ?? null });
  }
  result.accounts.sort((a, b) => a.id.localeCompare(b.id));
  return result;
}

/** `State` where Organizations gives it, else the retiring `Status`. */
function stateOf(account: Account): string | undefined {
  return account.State ?? account.Status;
}

/** Every account under the given roots and OUs, depth first through nested OUs. */
async function accountsUnder(
  client: OrganizationsClient,
  parents: readonly string[],
): Promise<Account[]> {
  const accounts: Account[] = [];
  const pending = [...parents];
  const visited = new Set<string>();
  for (let parent = pending.shift(); parent !== undefined; parent = pending.shift()) {
    if (visited.has(parent)) continue;
    visited.add(parent);
    accounts.push(
      ...(await collect(
        paginateListAccountsForParent({ client }, { ParentId: parent }),
        (page) => page.Accounts,
      )),
    );
    const units = await collect(
      paginateListChildren({ client }, { ParentId: parent, ChildType: 'ORGANIZATIONAL_UNIT' }),
      (page) => page.Children,
    );
    pending.push(...units.flatMap((unit) => (unit.Id === undefined ? [] : [unit.Id])));
  }
  return accounts;
}

async function collect<P, T>(
  pages: AsyncIterable<P>,
  items: (page: P) => T[] | undefined,
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}
