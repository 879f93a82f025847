import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { resolveCallerAccount } from '../aws/caller-account.ts';
import { UsageError } from '../errors.ts';
import { DynamoDbStateStore } from '../state/dynamodb-state-store.ts';
import { FileStateStore } from '../state/file-state-store.ts';
import { DEFAULT_STATE_PATH } from './defaults.ts';
import { assertStatePathIsFile } from './local-resources.ts';

// TableName in the DynamoDB API reference.
const DYNAMODB_TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

export type StateSource =
  | { kind: 'file'; path: string; store: FileStateStore; close(): void }
  | {
      kind: 'table';
      tableName: string;
      store: DynamoDbStateStore;
      /** For the reads the store does not make (the per-account view's BatchGetItem). */
      client: DynamoDBClient;
      close(): void;
    };

/**
 * The deployed table (`--table`, region from the usual AWS settings) or the local state file
 * of `check` runs (`--state`, or the default path).
 */
export async function openStateSource(options: {
  table?: string | undefined;
  state?: string | undefined;
}): Promise<StateSource> {
  if (options.table !== undefined && options.state !== undefined) {
    throw new UsageError(
      'Give either --table (the deployed monitor) or --state (a local state file), not both.',
    );
  }
  if (options.table !== undefined) {
    if (!DYNAMODB_TABLE_NAME.test(options.table)) {
      throw new UsageError(
        `--table ${JSON.stringify(options.table)} is not a DynamoDB table name (3 to 255 letters, digits, _ - or .): give the deployed state table, the stack output StateTableName, like bedrock-access-monitor-dev-state.`,
      );
    }
    const client = new DynamoDBClient({});
    return {
      kind: 'table',
      tableName: options.table,
      store: new DynamoDbStateStore({ client, tableName: options.table }),
      client,
      close: () => client.destroy(),
    };
  }
  const path = options.state ?? DEFAULT_STATE_PATH;
  await assertStatePathIsFile(path);
  return { kind: 'file', path, store: new FileStateStore(path), close: () => {} };
}

/** The account whose items to read in the table: --account, or the caller's own. */
export async function accountForTable(account: string | undefined): Promise<string> {
  if (account === undefined) return resolveCallerAccount();
  if (!/^\d{12}$/.test(account))
    throw new UsageError(`--account must be a 12-digit AWS account id, not "${account}".`);
  return account;
}
