/**
 * Sends announced events to an EventBridge bus with PutEvents: source `bedrock-access-monitor`,
 * a detail-type per kind, the event JSON as detail. EventBridge answers per entry; an entry it
 * refused (FailedEntryCount, an ErrorCode) is a failed delivery of that event, like a request
 * that failed as a whole.
 */
import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { isAwsOrNetworkError } from '../bedrock/network-errors.ts';
import { describeError, EventBridgeDeliveryError } from '../errors.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import type { EventKind } from '../events/event-kinds.ts';
import type { AccountEvent } from '../organization/account-event.ts';

/**
 * What goes to the bus: every announced event, and a member account's reachability events
 * (organization mode), which go to SNS with a rendering of their own but to the bus as they
 * are, like the others: the event JSON as detail, a detail-type per kind.
 */
export type BusEvent = AnnouncedEvent | AccountEvent;

/** A bus to publish to: pairs' events and accounts' events alike (the worker hands it both). */
export interface BusNotifier {
  /** Rejects when the bus did not accept the event; it then stays in the outbox for the bus. */
  publish(event: BusEvent): Promise<void>;
}

/** Custom sources may not start with `aws.`; rules match on this one. */
export const EVENTBRIDGE_SOURCE = 'bedrock-access-monitor';

/** The detail-type of each kind, what an EventBridge rule matches on besides the source. */
export const DETAIL_TYPES: Readonly<Record<EventKind, string>> = {
  ready: 'Bedrock Model Access Ready',
  revoked: 'Bedrock Model Access Revoked',
  failed: 'Bedrock Model Access Failed',
  requested: 'Bedrock Model Access Requested',
  changed: 'Bedrock Model Access Changed',
  blocked: 'Bedrock Model Access Blocked',
  lifecycle: 'Bedrock Model Lifecycle',
  stuck: 'Bedrock Model Access Stuck',
  config: 'Bedrock Access Monitor Config Problem',
  'account-unreachable': 'Bedrock Access Monitor Account Unreachable',
  'account-reachable': 'Bedrock Access Monitor Account Reachable',
};

/** PutEvents takes at most this many entries per request... */
const MAX_ENTRIES = 10;
/** ...whose sizes, as EventBridge counts them, add up to less than 256 KB. */
const MAX_BYTES = 256 * 1024;

export type PublishOutcome =
  | { eventId: string; ok: true; eventBridgeId: string }
  | { eventId: string; ok: false; error: EventBridgeDeliveryError };

export interface EventBridgePublisher {
  /** Sends one event; rejects with EventBridgeDeliveryError when it was not accepted. */
  publish(event: BusEvent): Promise<void>;
  /**
   * Sends events in as few PutEvents as the limits allow; one outcome per event, in order.
   * Rejects only for a programming error.
   */
  publishAll(events: readonly BusEvent[]): Promise<PublishOutcome[]>;
}

export interface EventBridgePublisherOptions {
  /**
   * Created by the caller, once, and reused. Its endpoint comes from the SDK's own resolution
   * (AWS_ENDPOINT_URL_EVENTBRIDGE included), never from here.
   */
  client: Pick<EventBridgeClient, 'send'>;
  /** A bus name or ARN; `default` is the account's default bus. */
  eventBusName: string;
}

export function createEventBridgePublisher(
  options: EventBridgePublisherOptions,
): EventBridgePublisher {
  const { client, eventBusName } = options;
  if (eventBusName === '') throw new RangeError('eventBusName must not be empty');

  const publishAll = async (events: readonly BusEvent[]): Promise<PublishOutcome[]> => {
    const outcomes: PublishOutcome[] = [];
    for (const batch of batches(
      events.map((event) => ({ event, entry: toEntry(event, eventBusName) })),
    )) {
      outcomes.push(...(await send(client, eventBusName, batch)));
    }
    return outcomes;
  };

  return {
    publishAll,
    async publish(event) {
      const [outcome] = await publishAll([event]);
      if (outcome !== undefined && !outcome.ok) throw outcome.error;
    },
  };
}

/** The PutEvents entry of one event. */
export function toEntry(event: BusEvent, eventBusName: string): PutEventsRequestEntry {
  return {
    EventBusName: eventBusName,
    Source: EVENTBRIDGE_SOURCE,
    DetailType: DETAIL_TYPES[event.kind],
    Detail: JSON.stringify(event),
    Time: new Date(event.observedAt),
  };
}

type Item = { event: BusEvent; entry: PutEventsRequestEntry };

/** An entry's size as EventBridge counts it: 14 bytes for Time, the UTF-8 bytes of the rest. */
function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text));
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/** Consecutive runs of items that fit one request; an item too large alone is a run of one. */
function batches(items: readonly Item[]): Item[][] {
  const runs: Item[][] = [];
  let current: Item[] = [];
  let size = 0;
  for (const item of items) {
    const itemSize = entrySize(item.entry);
    if (current.length === MAX_ENTRIES || (current.length > 0 && size + itemSize >= MAX_BYTES)) {
      runs.push(current);
      current = [];
      size = 0;
    }
    current.push(item);
    size += itemSize;
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

async function send(
  client: Pick<EventBridgeClient, 'send'>,
  eventBusName: string,
  batch: readonly Item[],
): Promise<PublishOutcome[]> {
  const failAll = (describe: (event: BusEvent) => string, code: string | null, cause?: unknown) =>
    batch.map(({ event }) => ({
      eventId: event.eventId,
      ok: false as const,
      error: new EventBridgeDeliveryError(describe(event), code, { cause }),
    }));
  const about = (event: BusEvent) =>
    `the ${event.kind} event ${event.eventId} (bus ${eventBusName})`;

  if (batch.length === 1 && entrySize((batch[0] as Item).entry) >= MAX_BYTES) {
    return failAll(
      (event) => `EventBridge would refuse ${about(event)}: it is over the 256 KB PutEvents limit.`,
      null,
    );
  }
  let answer: PutEventsCommandOutput;
  try {
    answer = await client.send(new PutEventsCommand({ Entries: batch.map(({ entry }) => entry) }));
  } catch (error) {
    // Not from AWS, the SDK or the network: a bug of ours, never a failed delivery.
    if (!isAwsOrNetworkError(error)) throw error;
    const name = error instanceof Error ? error.name : null;
    return failAll(
      (event) => `EventBridge did not accept ${about(event)}: ${describeError(error)}`,
      name,
      error,
    );
  }
  const results = answer.Entries ?? [];
  if (results.length !== batch.length) {
    return failAll(
      (event) =>
        `EventBridge answered ${results.length} results for ${batch.length} entries; ${about(event)} counts as not delivered.`,
      null,
    );
  }
  return batch.map(({ event }, index): PublishOutcome => {
    const result = results[index];
    if (result?.EventId !== undefined && result.ErrorCode === undefined) {
      return { eventId: event.eventId, ok: true, eventBridgeId: result.EventId };
    }
    const code = result?.ErrorCode ?? null;
    return {
      eventId: event.eventId,
      ok: false,
      error: new EventBridgeDeliveryError(
        `EventBridge refused ${about(event)}: ${code ?? 'no event id'}${result?.ErrorMessage ? `: ${result.ErrorMessage}` : ''}`,
        code,
      ),
    };
  });
}

/** A publisher with a client of its own, in the function's region (the Lambda's, created once). */
export function createBusPublisher(eventBusName: string): EventBridgePublisher {
  return createEventBridgePublisher({ client: new EventBridgeClient({}), eventBusName });
}
