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
  /**
   * The capacity units dynalite answered in ConsumedCapacity (the store always asks for TOTAL),
   * one entry per answer that had some, with its operation.
   */
  readonly consumed: Array<{ operation: string; units: number }>;
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
  const consumed: Array<{ operation: string; units: number }> = [];
  server.on('request', (request, response) => {
    const target = request.headers['x-amz-target'];
    if (typeof target !== 'string') return;
    const operation = target.split('.').pop() ?? target;
    requests.push(operation);
    // dynalite answers with one end(body): read the units there, as the SDK would.
    const end = response.end.bind(response) as (...args: unknown[]) => typeof response;
    response.end = ((...args: unknown[]) => {
      const units = consumedUnits(args[0]);
      if (units !== undefined) consumed.push({ operation, units });
      return end(...args);
    }) as typeof response.end;
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
  consumed.length = 0;

  return {
    endpoint,
    tableName,
    requests,
    consumed,
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

/** ConsumedCapacity.CapacityUnits of a DynamoDB JSON answer, if it has any. */
function consumedUnits(body: unknown): number | undefined {
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) return undefined;
  try {
    const parsed = JSON.parse(body.toString()) as {
      ConsumedCapacity?: { CapacityUnits?: unknown };
    };
    const units = parsed.ConsumedCapacity?.CapacityUnits;
    return typeof units === 'number' ? units : undefined;
  } catch {
    return undefined;
  }
}
