/**
 * Organization mode on a laptop (the demo, `status`): each member account's reachability in a
 * JSON file beside the state file (`state.json` -> `state.accounts.json`), with the DynamoDB
 * store's semantics (dynamodb-account-status.ts): a write applies only while the stored version
 * is the expected one (0: none stored), an outbox entry is updated only under its claim, and
 * updating or removing an entry bumps the version. Every change re-reads the file and replaces
 * it atomically, one change at a time in this process.
 */
import { readFile } from 'node:fs/promises';
import { StateFileError } from '../errors.ts';
import type { AccountStatus } from '../organization/reachability.ts';
import {
  accountOutboxEntrySchema,
  accountStatusSchema,
  asAccountStatus,
} from './account-status-schema.ts';
import { changeSerially, writeAtomically } from './atomic-file.ts';
import type { AccountOutboxEntry, AccountStatusStore } from './dynamodb-account-status.ts';
import { describeInvalidRecord } from './pair-record-schema.ts';
import type { SkippedItem } from './state-store.ts';

export const ACCOUNT_STATUS_FILE_SCHEMA = 'bedrock-access-monitor/account-status-file/v1';

/** The account-status file that goes with a state file: its sibling `<name>.accounts.json`. */
export function accountStatusPath(statePath: string): string {
  return `${statePath.replace(/\.json$/, '')}.accounts.json`;
}

export interface LoadedAccountStatuses {
  statuses: AccountStatus[];
  skipped: SkippedItem[];
}

export class FileAccountStatusStore implements AccountStatusStore {
  constructor(readonly path: string) {}

  async load(account: string): Promise<AccountStatus | undefined> {
    const { statuses } = await this.loadAll();
    return statuses.find((status) => status.account === account);
  }

  /** Every readable account's status, and the items this version cannot read (for `status`). */
  async loadAll(): Promise<LoadedAccountStatuses> {
    const items = await this.#read();
    const loaded: LoadedAccountStatuses = { statuses: [], skipped: [] };
    items.forEach((item, index) => {
      const parsed = accountStatusSchema.safeParse(item);
      if (parsed.success) loaded.statuses.push(asAccountStatus(parsed.data));
      else
        loaded.skipped.push({
          key: `accounts[${index}]`,
          reason: describeInvalidRecord(parsed.error.issues),
        });
    });
    return loaded;
  }

  async write(record: AccountStatus, expectedVersion: number): Promise<boolean> {
    // Written as it is, an invalid record would be read as none by every later load, for good.
    const parsed = accountStatusSchema.safeParse(record);
    if (!parsed.success) {
      throw new StateFileError(
        `refusing to write an invalid reachability of account ${record.account} to ${this.path}: ${describeInvalidRecord(parsed.error.issues)}`,
      );
    }
    return this.#change((statuses) => {
      if ((statuses.get(record.account)?.version ?? 0) !== expectedVersion) return false;
      statuses.set(record.account, record);
      return true;
    });
  }

  async updateOutboxEntry(account: string, entry: AccountOutboxEntry): Promise<boolean> {
    const eventId = entry.event.eventId;
    const parsed = accountOutboxEntrySchema.safeParse(entry);
    if (!parsed.success) {
      throw new StateFileError(
        `refusing to write an invalid outbox entry ${eventId} of account ${account} to ${this.path}: ${describeInvalidRecord(parsed.error.issues)}`,
      );
    }
    return this.#change((statuses) => {
      const current = statuses.get(account);
      const index = current?.outbox.findIndex((held) => held.event.eventId === eventId) ?? -1;
      if (current === undefined || index < 0) return false;
      const token = current.outbox[index]?.claimToken;
      if (token === undefined || token !== entry.claimToken) return false;
      statuses.set(account, {
        ...current,
        outbox: current.outbox.with(index, entry),
        version: current.version + 1,
      });
      return true;
    });
  }

  async removeFromOutbox(account: string, eventId: string): Promise<void> {
    await this.#change((statuses) => {
      const current = statuses.get(account);
      if (current === undefined || !current.outbox.some((entry) => entry.event.eventId === eventId))
        return;
      statuses.set(account, {
        ...current,
        outbox: current.outbox.filter((entry) => entry.event.eventId !== eventId),
        version: current.version + 1,
      });
    });
  }

  /**
   * Reads the file, lets `apply` change the readable statuses (keyed by account) and writes the
   * file back when anything changed. An item this version cannot read is kept as it is, unless
   * a status of its account is written: it was read as none, so that write replaces it.
   */
  #change<T>(apply: (statuses: Map<string, AccountStatus>) => T): Promise<T> {
    return changeSerially(this.path, async () => {
      const statuses = new Map<string, AccountStatus>();
      const unreadable: unknown[] = [];
      for (const item of await this.#read()) {
        const parsed = accountStatusSchema.safeParse(item);
        if (parsed.success) statuses.set(parsed.data.account, asAccountStatus(parsed.data));
        else unreadable.push(item);
      }
      const before = JSON.stringify([...statuses.values()]);
      const result = apply(statuses);
      if (JSON.stringify([...statuses.values()]) === before) return result;
      const kept = unreadable.filter(
        (item) => !statuses.has(String((item as { account?: unknown } | null)?.account)),
      );
      const file = {
        schema: ACCOUNT_STATUS_FILE_SCHEMA,
        accounts: [...kept, ...statuses.values()],
      };
      await writeAtomically(this.path, `${JSON.stringify(file, null, 2)}\n`);
      return result;
    });
  }

  async #read(): Promise<unknown[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new StateFileError(
        `cannot read the account-status file ${this.path}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new StateFileError(
        `${this.path} is not valid JSON (${(error as Error).message}); it was left untouched. Fix it, or move it away: every account's reachability starts again from the next run.`,
        { cause: error },
      );
    }
    const file = parsed as { schema?: unknown; accounts?: unknown } | null;
    if (typeof file !== 'object' || file === null || file.schema !== ACCOUNT_STATUS_FILE_SCHEMA) {
      throw new StateFileError(
        `${this.path} is not a bedrock-access-monitor account-status file (expected "schema": "${ACCOUNT_STATUS_FILE_SCHEMA}"); it was left untouched.`,
      );
    }
    if (!Array.isArray(file.accounts)) {
      throw new StateFileError(
        `${this.path} is damaged: "accounts" must be a list; it was left untouched.`,
      );
    }
    return file.accounts;
  }
}
