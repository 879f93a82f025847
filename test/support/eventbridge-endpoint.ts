/**
 * A local stand-in for Amazon EventBridge, just enough for PutEvents: the AWS JSON 1.1
 * protocol as @aws-sdk/client-eventbridge sends it (a POST to `/` with
 * `X-Amz-Target: AWSEvents.PutEvents` and an `application/x-amz-json-1.1` body), and the
 * answers EventBridge gives, so the unmodified SDK behaves as against AWS. Tests point the SDK
 * here with AWS_ENDPOINT_URL_EVENTBRIDGE.
 *
 * It enforces PutEvents' own rules (events.service-2.json and the EventBridge user guide):
 * 1 to 10 entries, a total entry size under 256 KB (as EventBridge counts it), a Source that
 * does not start with `aws.`, Source, DetailType and Detail present, Detail a JSON object,
 * a bus that exists. A bad request fails whole (ValidationException); a bad entry fails alone,
 * with its ErrorCode, and counts in FailedEntryCount. Signatures are not checked; their
 * presence is.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../src/simulator/read-body.ts';

const TARGET_PREFIX = 'AWSEvents.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** "The total entry size must be less than 256KB." */
export const PUT_EVENTS_MAX_BYTES = 256 * 1024;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** One entry EventBridge accepted, decoded. */
export interface AcceptedEvent {
  eventId: string;
  /** The bus name, `default` when the entry names none; an ARN is reduced to its name. */
  eventBusName: string;
  source: string;
  detailType: string;
  /** The Detail string as sent. */
  detail: string;
  time: string | null;
  resources: string[];
}

/** The fields of a PutEventsRequestEntry, as the SDK sends them. */
export interface PutEventsEntry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
  Time?: unknown;
  Resources?: unknown;
  TraceHeader?: unknown;
}

export interface EventBridgeEndpoint {
  /** `http://127.0.0.1:port`, the value for AWS_ENDPOINT_URL_EVENTBRIDGE. */
  url: string;
  /** Every accepted entry, oldest first. */
  accepted: AcceptedEvent[];
  /** PutEvents requests received (each SDK attempt counts). */
  requests(): number;
  /** Entries for which `choose` is true fail with `code` (InternalFailure by default). */
  failEntries(choose: (entry: PutEventsEntry) => boolean, code?: string): void;
  /** While down, every request gets 500 InternalException. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

class RequestRefused extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/** Starts the stand-in with the given buses (`default` is always there) on 127.0.0.1. */
export async function startEventBridgeEndpoint(
  options: { buses?: readonly string[] } = {},
): Promise<EventBridgeEndpoint> {
  const buses = new Set(['default', ...(options.buses ?? [])]);
  const accepted: AcceptedEvent[] = [];
  let requests = 0;
  let down = false;
  let injected: { choose: (entry: PutEventsEntry) => boolean; code: string } | undefined;

  const server = createServer((request, response) => {
    void answer(request, response);
  });

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    let body: string;
    try {
      body = await readBody(request, MAX_BODY_BYTES);
    } catch {
      return;
    }
    requests += 1;
    try {
      if (down) throw new RequestRefused('InternalException', 500, 'Internal error');
      const entries = readPutEvents(request, body);
      const results = entries.map((entry): EntryResult => {
        if (injected?.choose(entry)) {
          return {
            ErrorCode: injected.code,
            ErrorMessage: `Injected ${injected.code} by the test`,
          };
        }
        const refusal = refuseEntry(entry, buses);
        if (refusal) return refusal;
        const event = acceptEntry(entry);
        accepted.push(event);
        return { EventId: event.eventId };
      });
      const failed = results.filter((result) => 'ErrorCode' in result).length;
      send(response, 200, requestId, { FailedEntryCount: failed, Entries: results });
    } catch (error) {
      const refused =
        error instanceof RequestRefused
          ? error
          : new RequestRefused('InternalException', 500, String(error));
      send(response, refused.status, requestId, {
        __type: refused.type,
        message: refused.message,
      });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    requests: () => requests,
    failEntries(choose, code = 'InternalFailure') {
      injected = { choose, code };
    },
    setDown(value) {
      down = value;
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** The entries of a well-formed PutEvents request; throws RequestRefused otherwise. */
function readPutEvents(request: IncomingMessage, body: string): PutEventsEntry[] {
  if (request.method !== 'POST' || !request.headers.authorization) {
    throw new RequestRefused(
      'MissingAuthenticationTokenException',
      400,
      'Missing Authentication Token',
    );
  }
  const target = String(request.headers['x-amz-target'] ?? '');
  if (target !== `${TARGET_PREFIX}PutEvents`) {
    throw new RequestRefused('UnknownOperationException', 400, `Unknown operation ${target}`);
  }
  let input: unknown;
  try {
    input = JSON.parse(body);
  } catch {
    throw new RequestRefused('SerializationException', 400, 'Malformed JSON body');
  }
  const entries = (input as { Entries?: unknown } | null)?.Entries;
  if (!Array.isArray(entries)) {
    throw validation(
      `Value null at 'entries' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (entries.length < 1 || entries.length > PUT_EVENTS_MAX_ENTRIES) {
    const bound =
      entries.length < 1
        ? 'Member must have length greater than or equal to 1'
        : `Member must have length less than or equal to ${PUT_EVENTS_MAX_ENTRIES}`;
    throw validation(`Value '[...]' at 'entries' failed to satisfy constraint: ${bound}`);
  }
  const total = (entries as PutEventsEntry[]).reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total >= PUT_EVENTS_MAX_BYTES) {
    throw new RequestRefused(
      'ValidationException',
      400,
      'Total size of the entries in the request is over the limit.',
    );
  }
  return entries as PutEventsEntry[];
}

function validation(detail: string): RequestRefused {
  return new RequestRefused('ValidationException', 400, `1 validation error detected: ${detail}`);
}

/**
 * An entry's size as EventBridge counts it ("Calculating PutEvents event entry size"): 14
 * bytes for Time, and the UTF-8 bytes of Source, DetailType, Detail and each Resource.
 */
export function entrySize(entry: PutEventsEntry): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources.reduce((sum: number, resource) => sum + bytes(resource), 0)
  );
}

function refuseEntry(entry: PutEventsEntry, buses: ReadonlySet<string>): EntryResult | undefined {
  const fail = (ErrorCode: string, ErrorMessage: string) => ({ ErrorCode, ErrorMessage });
  const missing = (['Source', 'DetailType', 'Detail'] as const).filter(
    (field) => typeof entry[field] !== 'string' || entry[field] === '',
  );
  if (missing.length > 0) {
    return fail('InvalidArgument', `Parameter(s) ${missing.join(', ')} must be specified.`);
  }
  if ((entry.Source as string).startsWith('aws.')) {
    return fail('NotAuthorizedForSourceException', 'Not authorized for the source.');
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail as string);
  } catch {
    return fail('MalformedDetail', 'Detail is malformed.');
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return fail('MalformedDetail', 'Detail is malformed.');
  }
  const bus = busName(entry.EventBusName);
  if (!buses.has(bus)) return fail('ResourceNotFoundException', `Event bus ${bus} does not exist.`);
  return undefined;
}

function acceptEntry(entry: PutEventsEntry): AcceptedEvent {
  return {
    eventId: randomUUID(),
    eventBusName: busName(entry.EventBusName),
    source: entry.Source as string,
    detailType: entry.DetailType as string,
    detail: entry.Detail as string,
    // The SDK sends Time as epoch seconds (JSON 1.1 timestamps).
    time: typeof entry.Time === 'number' ? new Date(entry.Time * 1000).toISOString() : null,
    resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
  };
}

/** `default` when none is named; the name of a bus ARN. */
function busName(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'default';
  return value.replace(/^arn:[^:]+:events:[^:]*:\d{12}:event-bus\//, '');
}

function send(response: ServerResponse, status: number, requestId: string, body: unknown): void {
  if (response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'x-amzn-RequestId': requestId,
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
