/**
 * A local stand-in for Amazon SQS, just enough for the planner: SendMessageBatch on the AWS
 * JSON 1.0 protocol as @aws-sdk/client-sqs sends it (`X-Amz-Target: AmazonSQS.SendMessageBatch`,
 * sqs.service-2.json), answered as SQS answers, MD5 of each body included (the SDK checks it).
 * Tests point the SDK here with AWS_ENDPOINT_URL_SQS, and hand the recorded messages to the
 * worker as the SQS event Lambda would deliver (sqs-event.ts).
 *
 * It enforces SendMessageBatch's rules: 1 to 10 entries, distinct ids of at most 80
 * alphanumerics, hyphens and underscores, at most 1 MiB together, a queue that exists. On
 * demand, chosen entries fail alone (partial failure), as SQS reports them in `Failed`.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  AwsJsonRefusal,
  answerAwsJson,
  readAwsJsonRequest,
  startLocalEndpoint,
} from './local-endpoint.ts';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const TARGET_PREFIX = 'AmazonSQS.';
export const SEND_MESSAGE_BATCH_MAX_ENTRIES = 10;
/** SQS's message size limit, which a whole batch shares. */
const MAX_BATCH_BYTES = 1_048_576;
const BATCH_ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** One message SQS accepted. */
export interface SentMessage {
  messageId: string;
  queueUrl: string;
  body: string;
  /** Milliseconds since the epoch, as SQS's SentTimestamp. */
  sentAtMs: number;
}

export interface SendMessageBatchEntry {
  Id?: unknown;
  MessageBody?: unknown;
}

export interface SqsEndpoint {
  /** `http://127.0.0.1:port`, the value for AWS_ENDPOINT_URL_SQS. */
  url: string;
  /** The URL of queue `name` on this endpoint. */
  queueUrl(name: string): string;
  /** Every accepted message, oldest first. */
  sent: SentMessage[];
  /** SendMessageBatch requests received (each SDK attempt counts), with their entry counts. */
  batches: number[];
  /**
   * Entries for which `choose` is true fail alone with `code` (InternalError by default,
   * a server fault); `choose` sees how many times this entry's body was offered before.
   */
  failEntries(
    choose: (entry: SendMessageBatchEntry, earlierOffers: number) => boolean,
    code?: string,
  ): void;
  close(): Promise<void>;
}

type EntryResult =
  | { ok: true; entry: { Id: string; MessageId: string; MD5OfMessageBody: string } }
  | { ok: false; entry: { Id: string; SenderFault: boolean; Code: string; Message: string } };

/** Starts the stand-in for the given queue names on 127.0.0.1. */
export async function startSqsEndpoint(options: {
  queues: readonly string[];
  now?: () => number;
}): Promise<SqsEndpoint> {
  const now = options.now ?? Date.now;
  const sent: SentMessage[] = [];
  const batches: number[] = [];
  const offers = new Map<string, number>();
  let injected:
    | { choose: (entry: SendMessageBatchEntry, earlierOffers: number) => boolean; code: string }
    | undefined;
  let url = '';
  const queueUrl = (name: string) => `${url}/000000000000/${name}`;

  const endpoint = await startLocalEndpoint(async (request, response, body, requestId) => {
    await answerAwsJson(response, requestId, CONTENT_TYPE, () => {
      const { queue, entries } = readSendMessageBatch(request, body);
      if (!options.queues.some((name) => queueUrl(name) === queue)) {
        throw new AwsJsonRefusal('QueueDoesNotExist', 400, 'The specified queue does not exist.');
      }
      batches.push(entries.length);
      const results = entries.map((entry): EntryResult => {
        const id = entry.Id as string;
        const text = entry.MessageBody as string;
        const earlier = offers.get(text) ?? 0;
        offers.set(text, earlier + 1);
        if (injected?.choose(entry, earlier)) {
          const code = injected.code;
          return {
            ok: false,
            entry: {
              Id: id,
              SenderFault: false,
              Code: code,
              Message: `Injected ${code} by the test`,
            },
          };
        }
        const message = { messageId: randomUUID(), queueUrl: queue, body: text, sentAtMs: now() };
        sent.push(message);
        const md5 = createHash('md5').update(text).digest('hex');
        return { ok: true, entry: { Id: id, MessageId: message.messageId, MD5OfMessageBody: md5 } };
      });
      return {
        Successful: results.flatMap((result) => (result.ok ? [result.entry] : [])),
        Failed: results.flatMap((result) => (result.ok ? [] : [result.entry])),
      };
    });
  }, 4 * MAX_BATCH_BYTES);
  url = endpoint.url;

  return {
    url,
    queueUrl,
    sent,
    batches,
    failEntries(choose, code = 'InternalError') {
      injected = { choose, code };
    },
    close: () => endpoint.close(),
  };
}

function readSendMessageBatch(
  request: IncomingMessage,
  body: string,
): { queue: string; entries: SendMessageBatchEntry[] } {
  const { input } = readAwsJsonRequest(request, body, TARGET_PREFIX, ['SendMessageBatch']);
  const queue = input.QueueUrl;
  const entries = input.Entries;
  if (typeof queue !== 'string') {
    throw new AwsJsonRefusal('InvalidAddress', 400, 'The address QueueUrl is not valid.');
  }
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new AwsJsonRefusal(
      'EmptyBatchRequest',
      400,
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    );
  }
  if (entries.length > SEND_MESSAGE_BATCH_MAX_ENTRIES) {
    throw new AwsJsonRefusal(
      'TooManyEntriesInBatchRequest',
      400,
      `Maximum number of entries per request are ${SEND_MESSAGE_BATCH_MAX_ENTRIES}. You have sent ${entries.length}.`,
    );
  }
  const ids = new Set<string>();
  let bytes = 0;
  for (const entry of entries as SendMessageBatchEntry[]) {
    if (typeof entry.Id !== 'string' || !BATCH_ENTRY_ID.test(entry.Id)) {
      throw new AwsJsonRefusal(
        'InvalidBatchEntryId',
        400,
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (ids.has(entry.Id)) {
      throw new AwsJsonRefusal('BatchEntryIdsNotDistinct', 400, `Id ${entry.Id} repeated.`);
    }
    ids.add(entry.Id);
    if (typeof entry.MessageBody !== 'string' || entry.MessageBody === '') {
      throw new AwsJsonRefusal(
        'InvalidParameterValue',
        400,
        'The request must contain the parameter MessageBody.',
      );
    }
    bytes += Buffer.byteLength(entry.MessageBody);
  }
  if (bytes > MAX_BATCH_BYTES) {
    throw new AwsJsonRefusal(
      'BatchRequestTooLong',
      400,
      `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes.`,
    );
  }
  return { queue, entries: entries as SendMessageBatchEntry[] };
}
