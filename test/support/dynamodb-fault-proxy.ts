import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request as sendRequest,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { STATE_TABLE_KEY_SCHEMA } from '../../src/state/dynamodb-table.ts';

/** One DynamoDB request that passed through the proxy. */
export interface ProxiedRequest {
  /** The X-Amz-Target suffix: PutItem, GetItem, UpdateItem, Query... */
  operation: string;
  /** The JSON body as the SDK sent it, attribute values marshalled ({ S: ... }). */
  body: Record<string, unknown>;
}

export interface DynamoDbFaultProxyOptions {
  /** dynalite's endpoint. */
  target: string;
  /**
   * Answers a PutItem that failed its condition and asked ReturnValuesOnConditionCheckFailure
   * ALL_OLD with the stored item, as DynamoDB does; dynalite ignores the parameter.
   */
  returnOldItemOnConditionFailure?: boolean;
}

export interface DynamoDbFaultProxy {
  endpoint: string;
  /** Every request forwarded, in order. */
  readonly requests: ProxiedRequest[];
  /** The requests that were applied and whose answers were lost, in order. */
  readonly dropped: ProxiedRequest[];
  /**
   * The `occurrence`-th request from now on that `matches` is forwarded and applied, then its
   * client connection is destroyed instead of answered: a response lost on the way back.
   */
  dropAnswer(matches: (request: ProxiedRequest) => boolean, occurrence?: number): void;
  /**
   * The next `count` BatchGetItem requests process only the first half (rounded down) of their
   * keys and answer the rest in UnprocessedKeys, as DynamoDB does when a table's read capacity
   * runs out; dynalite itself always processes every key.
   */
  leaveUnprocessed(count: number): void;
  close(): Promise<void>;
}

interface DropRule {
  matches: (request: ProxiedRequest) => boolean;
  remaining: number;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A DynamoDB stand-in on 127.0.0.1 and a free port that forwards to dynalite and records every
 * request; on demand it loses answers, or leaves BatchGetItem keys unprocessed.
 */
export async function startDynamoDbFaultProxy(
  options: DynamoDbFaultProxyOptions,
): Promise<DynamoDbFaultProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  const requests: ProxiedRequest[] = [];
  const dropped: ProxiedRequest[] = [];
  const rules: DropRule[] = [];
  let unprocessedRounds = 0;

  const forward = (
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const outgoing = sendRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method,
          path,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (incoming) => {
          readBody(incoming).then(
            (answer) =>
              resolve({
                status: incoming.statusCode ?? 0,
                headers: incoming.headers,
                body: answer,
              }),
            reject,
          );
        },
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });

  /** DynamoDB's ALL_OLD on a failed condition: the stored item, read from dynalite. */
  const withOldItem = async (
    proxied: ProxiedRequest,
    headers: IncomingHttpHeaders,
    path: string,
    answer: Answer,
  ): Promise<Answer> => {
    const failure = JSON.parse(answer.body.toString('utf8')) as { __type?: string };
    const item = proxied.body.Item as Record<string, unknown> | undefined;
    if (
      !failure.__type?.endsWith('ConditionalCheckFailedException') ||
      proxied.body.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD' ||
      item === undefined
    ) {
      return answer;
    }
    const key = Object.fromEntries(
      STATE_TABLE_KEY_SCHEMA.map(({ AttributeName }) => [
        AttributeName,
        item[String(AttributeName)],
      ]),
    );
    const read = await forward(
      'POST',
      path,
      { ...headers, 'x-amz-target': 'DynamoDB_20120810.GetItem' },
      Buffer.from(
        JSON.stringify({ TableName: proxied.body.TableName, Key: key, ConsistentRead: true }),
      ),
    );
    const stored = (JSON.parse(read.body.toString('utf8')) as { Item?: unknown }).Item;
    if (stored === undefined) return answer;
    const body = Buffer.from(JSON.stringify({ ...failure, Item: stored }));
    return { ...answer, headers: { ...answer.headers, 'x-amz-crc32': String(crc32(body)) }, body };
  };

  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await readBody(incoming);
      const operation = String(incoming.headers['x-amz-target']).split('.').pop() ?? '';
      const proxied: ProxiedRequest = {
        operation,
        body: body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {},
      };
      requests.push(proxied);
      const drop = takeDropRule(rules, proxied);
      const path = incoming.url ?? '/';
      const split =
        operation === 'BatchGetItem' && unprocessedRounds > 0
          ? splitBatchGet(proxied.body)
          : undefined;
      if (split !== undefined) unprocessedRounds -= 1;
      const send = (forwarded: Buffer) =>
        forward(incoming.method ?? 'POST', path, incoming.headers, forwarded);
      let answer =
        split === undefined
          ? await send(body)
          : withUnprocessedKeys(
              split.forwarded === undefined ? undefined : await send(split.forwarded),
              split.left,
            );
      if (drop) {
        dropped.push(proxied);
        incoming.socket.destroy();
        return;
      }
      if (options.returnOldItemOnConditionFailure && proxied.operation === 'PutItem') {
        answer = await withOldItem(proxied, incoming.headers, path, answer);
      }
      outgoing.writeHead(answer.status, {
        ...answer.headers,
        'content-length': String(answer.body.length),
      });
      outgoing.end(answer.body);
    })().catch((error: unknown) => {
      outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`DynamoDB fault proxy: ${(error as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    dropped,
    dropAnswer(matches, occurrence = 1) {
      if (!Number.isInteger(occurrence) || occurrence < 1) {
        throw new RangeError(`occurrence must be a whole number >= 1, got ${occurrence}`);
      }
      rules.push({ matches, remaining: occurrence });
    },
    leaveUnprocessed(count) {
      unprocessedRounds = count;
    },
    async close() {
      agent.destroy();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // The SDK keeps connections alive; close would wait for them otherwise.
        server.closeAllConnections();
      });
    },
  };
}

interface BatchGetSplit {
  /** The request with the first half of each table's keys; undefined: none left to forward. */
  forwarded: Buffer | undefined;
  /** The keys answered as unprocessed, by table. */
  left: Record<string, { Keys: unknown[] }>;
}

type BatchGetRequest = Record<string, { Keys: unknown[] } & Record<string, unknown>>;

function splitBatchGet(body: Record<string, unknown>): BatchGetSplit {
  const requested = body.RequestItems as BatchGetRequest;
  const kept: BatchGetRequest = {};
  const left: BatchGetSplit['left'] = {};
  for (const [table, entry] of Object.entries(requested)) {
    const half = Math.floor(entry.Keys.length / 2);
    kept[table] = { ...entry, Keys: entry.Keys.slice(0, half) };
    left[table] = { Keys: entry.Keys.slice(half) };
  }
  const none = Object.values(kept).every((entry) => entry.Keys.length === 0);
  return {
    forwarded: none ? undefined : Buffer.from(JSON.stringify({ ...body, RequestItems: kept })),
    left,
  };
}

/** The answer with `left` as its UnprocessedKeys; nothing forwarded: an answer of no items. */
function withUnprocessedKeys(answer: Answer | undefined, left: BatchGetSplit['left']): Answer {
  if (answer !== undefined && (answer.status < 200 || answer.status > 299)) return answer;
  const parsed =
    answer === undefined
      ? { Responses: Object.fromEntries(Object.keys(left).map((table) => [table, []])) }
      : (JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>);
  const body = Buffer.from(JSON.stringify({ ...parsed, UnprocessedKeys: left }));
  return {
    status: 200,
    headers: {
      ...answer?.headers,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-crc32': String(crc32(body)),
    },
    body,
  };
}

/** Counts `request` against every rule it matches; true when one of them fires (and is spent). */
function takeDropRule(rules: DropRule[], request: ProxiedRequest): boolean {
  let fired = false;
  for (const rule of [...rules]) {
    if (!rule.matches(request)) continue;
    rule.remaining -= 1;
    if (rule.remaining > 0) continue;
    rules.splice(rules.indexOf(rule), 1);
    fired = true;
  }
  return fired;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
