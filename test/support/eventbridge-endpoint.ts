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
import type { IncomingMessage } from 'node:http';
import {
  AwsJsonRefusal,
  answerAwsJson,
  readAwsJsonRequest,
  startLocalEndpoint,
} from './local-endpoint.ts';

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

  const endpoint = await startLocalEndpoint(async (request, response, body, requestId) => {
    requests += 1;
    await answerAwsJson(response, requestId, CONTENT_TYPE, () => {
      if (down) throw new AwsJsonRefusal('InternalException', 500, 'Internal error');
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
      return { FailedEntryCount: failed, Entries: results };
    });
  }, MAX_BODY_BYTES);

  return {
    url: endpoint.url,
    accepted,
    requests: () => requests,
    failEntries(choose, code = 'InternalFailure') {
      injected = { choose, code };
    },
    setDown(value) {
      down = value;
    },
    close: () => endpoint.close(),
  };
}

/** The entries of a well-formed PutEvents request; throws AwsJsonRefusal otherwise. */
function readPutEvents(request: IncomingMessage, body: string): PutEventsEntry[] {
  const { input } = readAwsJsonRequest(request, body, TARGET_PREFIX, ['PutEvents']);
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
    throw new AwsJsonRefusal(
      'ValidationException',
      400,
      'Total size of the entries in the request is over the limit.',
    );
  }
  return entries as PutEventsEntry[];
}

function validation(detail: string): AwsJsonRefusal {
  return new AwsJsonRefusal('ValidationException', 400, `1 validation error detected: ${detail}`);
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
