import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { STATE_TABLE_TTL_ATTRIBUTE, stateTableDefinition } from '../../src/state/dynamodb-table.ts';

// dynalite ships CommonJS without types.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

export const TEST_CREDENTIALS = { accessKeyId: 'AKIDTESTTESTTEST', secretAccessKey: 'test-secret' };

export interface RunningDynalite {
  endpoint: string;
  tableName: string;
  /** The operation (X-Amz-Target suffix) of every request dynalite received, in order. */
  readonly requests: string[];
  /** Creates another table of the state table's design. */
  createTable(tableName: string): Promise<void>;
  close(): Promise<void>;
}

/** dynalite in this process on 127.0.0.1 and a free port, with the state table created. */
export async function startDynalite(
  tableName = 'bedrock-access-monitor-state',
): Promise<RunningDynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const requests: string[] = [];
  server.on('request', (request) => {
    const target = request.headers['x-amz-target'];
    if (typeof target === 'string') requests.push(target.split('.').pop() ?? target);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const admin = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
  });

  const createTable = async (name: string) => {
    await admin.send(new CreateTableCommand(stateTableDefinition(name)));
    while (
      (await admin.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus !==
      'ACTIVE'
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    try {
      await admin.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: STATE_TABLE_TTL_ATTRIBUTE, Enabled: true },
        }),
      );
    } catch (error) {
      // dynalite does not implement UpdateTimeToLive; the attribute is still written and checked.
      if ((error as Error).name !== 'UnknownOperationException') throw error;
    }
  };

  await createTable(tableName);
  requests.length = 0;

  return {
    endpoint,
    tableName,
    requests,
    createTable,
    async close() {
      admin.destroy();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; close would wait for them otherwise.
        server.closeAllConnections();
      });
    },
  };
}
