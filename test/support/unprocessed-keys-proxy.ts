/**
 * A DynamoDB stand-in on 127.0.0.1 that forwards to dynalite and, as DynamoDB does when a
 * table's read capacity runs out, leaves keys of BatchGetItem requests unprocessed: while
 * rounds are left, it forwards only the first half (rounded down) of each request's keys and
 * answers the rest in UnprocessedKeys. dynalite itself always processes every key.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

export interface UnprocessedKeysProxy {
  endpoint: string;
  /** The number of keys of every BatchGetItem request received, in order. */
  readonly batchGets: number[];
  /** The operations (X-Amz-Target suffix) received, in order. */
  readonly operations: string[];
  /** The next `count` BatchGetItem requests process only the first half of their keys (1 of 1: none). */
  leaveUnprocessed(count: number): void;
  close(): Promise<void>;
}

interface BatchGetBody {
  RequestItems: Record<string, { Keys: unknown[] } & Record<string, unknown>>;
}

export async function startUnprocessedKeysProxy(target: string): Promise<UnprocessedKeysProxy> {
  const batchGets: number[] = [];
  const operations: string[] = [];
  let rounds = 0;
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const operation = String(incoming.headers['x-amz-target']).split('.').pop() ?? '';
      operations.push(operation);
      let body = await readBody(incoming);
      let left: Record<string, { Keys: unknown[] }> = {};
      if (operation === 'BatchGetItem') {
        const request = JSON.parse(body.toString('utf8')) as BatchGetBody;
        batchGets.push(
          Object.values(request.RequestItems).reduce((sum, table) => sum + table.Keys.length, 0),
        );
        if (rounds > 0) {
          rounds -= 1;
          for (const [table, entry] of Object.entries(request.RequestItems)) {
            const half = Math.floor(entry.Keys.length / 2);
            left = { ...left, [table]: { Keys: entry.Keys.slice(half) } };
            entry.Keys = entry.Keys.slice(0, half);
          }
          body = Buffer.from(JSON.stringify(request));
          // Nothing left to process: DynamoDB answers with every key unprocessed.
          if (Object.values(request.RequestItems).every((entry) => entry.Keys.length === 0)) {
            const tables = Object.keys(request.RequestItems);
            const answer = Buffer.from(
              JSON.stringify({
                Responses: Object.fromEntries(tables.map((table) => [table, []])),
                UnprocessedKeys: left,
              }),
            );
            outgoing.writeHead(200, {
              'content-type': 'application/x-amz-json-1.0',
              'x-amz-crc32': String(crc32(answer)),
              'content-length': String(answer.length),
            });
            outgoing.end(answer);
            return;
          }
        }
      }
      const headers = Object.fromEntries(
        Object.entries(incoming.headers).filter(
          ([name]) => name !== 'host' && name !== 'content-length' && name !== 'connection',
        ),
      ) as Record<string, string>;
      const answer = await fetch(`${target}${incoming.url ?? '/'}`, {
        method: incoming.method ?? 'POST',
        headers,
        body,
      });
      let answerBody = Buffer.from(await answer.arrayBuffer());
      if (Object.keys(left).length > 0 && answer.ok) {
        const parsed = JSON.parse(answerBody.toString('utf8')) as Record<string, unknown>;
        answerBody = Buffer.from(JSON.stringify({ ...parsed, UnprocessedKeys: left }));
      }
      outgoing.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/x-amz-json-1.0',
        'x-amz-crc32': String(crc32(answerBody)),
        'content-length': String(answerBody.length),
      });
      outgoing.end(answerBody);
    })().catch((error: unknown) => {
      outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`unprocessed-keys proxy: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    batchGets,
    operations,
    leaveUnprocessed(count) {
      rounds = count;
    },
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
