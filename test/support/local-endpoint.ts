/**
 * What the local AWS stand-ins (SNS, EventBridge, SQS) share: an HTTP server on 127.0.0.1 and a
 * free port that reads each request's body and hands it over with a request id, and, for the
 * AWS JSON protocols (EventBridge 1.1, SQS 1.0), reading the `X-Amz-Target` operation and
 * answering in `{"__type", "message"}` errors as those services do.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../src/simulator/read-body.ts';

export interface LocalEndpoint {
  /** `http://127.0.0.1:port`. */
  url: string;
  /** Stops listening and ends keep-alive sockets. */
  close(): Promise<void>;
}

export type ServeRequest = (
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
  requestId: string,
) => void | Promise<void>;

/** Listens on 127.0.0.1 and a free port; a body over `maxBodyBytes` drops the request. */
export async function startLocalEndpoint(
  serve: ServeRequest,
  maxBodyBytes: number,
): Promise<LocalEndpoint> {
  const server = createServer((request, response) => {
    void (async () => {
      let body: string;
      try {
        body = await readBody(request, maxBodyBytes);
      } catch {
        return;
      }
      await serve(request, response, body, randomUUID());
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** A whole request refused, as an AWS JSON service answers it. */
export class AwsJsonRefusal extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The JSON input of a signed POST whose `X-Amz-Target` is one of `targets` (`Prefix.Operation`),
 * with the operation's name; throws AwsJsonRefusal otherwise.
 */
export function readAwsJsonRequest<T extends string>(
  request: IncomingMessage,
  body: string,
  prefix: string,
  operations: readonly T[],
): { operation: T; input: Record<string, unknown> } {
  if (request.method !== 'POST' || !request.headers.authorization) {
    throw new AwsJsonRefusal(
      'MissingAuthenticationTokenException',
      400,
      'Missing Authentication Token',
    );
  }
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = operations.find((name) => target === `${prefix}${name}`);
  if (operation === undefined) {
    throw new AwsJsonRefusal('UnknownOperationException', 400, `Unknown operation ${target}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    throw new AwsJsonRefusal('SerializationException', 400, 'Malformed JSON body');
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new AwsJsonRefusal('SerializationException', 400, 'The body is not a JSON object');
  }
  return { operation, input: input as Record<string, unknown> };
}

/** Answers with what `work` returns, or the AWS JSON error it throws (any other: 500). */
export async function answerAwsJson(
  response: ServerResponse,
  requestId: string,
  contentType: string,
  work: () => unknown,
): Promise<void> {
  try {
    sendAwsJson(response, 200, requestId, contentType, await work());
  } catch (error) {
    const refused =
      error instanceof AwsJsonRefusal
        ? error
        : new AwsJsonRefusal('InternalFailure', 500, String(error));
    sendAwsJson(response, refused.status, requestId, contentType, {
      __type: refused.type,
      message: refused.message,
    });
  }
}

function sendAwsJson(
  response: ServerResponse,
  status: number,
  requestId: string,
  contentType: string,
  body: unknown,
): void {
  if (response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': contentType,
    'x-amzn-RequestId': requestId,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
