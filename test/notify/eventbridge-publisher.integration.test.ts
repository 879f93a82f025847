/**
 * The EventBridge publisher against the local EventBridge endpoint, over a real socket, with a
 * client that finds the endpoint only through AWS_ENDPOINT_URL_EVENTBRIDGE, as the Lambda's
 * would. The events are the ones the decision functions make.
 */
import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decideConfigEvents } from '../../src/catalog/config-event.ts';
import { EventBridgeDeliveryError } from '../../src/errors.ts';
import type { AnnouncedEvent } from '../../src/events/announced-event.ts';
import { EVENT_KINDS } from '../../src/events/event-kinds.ts';
import { decideStuck } from '../../src/grants/decide-stuck.ts';
import { TRANSITION_EVENT_SCHEMA, type TransitionEvent } from '../../src/grants/types.ts';
import { decideLifecycle } from '../../src/lifecycle/decide-lifecycle.ts';
import {
  createEventBridgePublisher,
  DETAIL_TYPES,
  EVENTBRIDGE_SOURCE,
} from '../../src/notify/eventbridge-publisher.ts';
import {
  type EventBridgeEndpoint,
  PUT_EVENTS_MAX_BYTES,
  startEventBridgeEndpoint,
} from '../support/eventbridge-endpoint.ts';
import { ACCOUNT, RAW_FOR } from '../support/fixtures.ts';

const REGION = 'us-east-1';
const BUS = 'bedrock-alerts';
const NOW = new Date(Date.UTC(2026, 10, 24, 10, 5, 12, 345));

function transition(change: Partial<TransitionEvent> = {}): TransitionEvent {
  return {
    schema: TRANSITION_EVENT_SCHEMA,
    eventId: '3f1c2a9e-8d4b-4e7a-9c61-2b5f0d7e4a10',
    kind: 'revoked',
    account: ACCOUNT,
    modelId: 'amazon.titan-text-express-v1',
    region: REGION,
    from: 'ENABLED',
    to: 'NOT_ENABLED',
    observedAt: NOW.toISOString(),
    previousSince: '2026-11-20T09:52:40.000Z',
    raw: RAW_FOR.NOT_ENABLED,
    ...change,
  };
}

/** One event of each kind that is not a transition, made by the decision functions. */
function otherEvents(): AnnouncedEvent[] {
  const lifecycle = decideLifecycle(
    undefined,
    {
      account: ACCOUNT,
      region: REGION,
      modelId: 'anthropic.claude-3-sonnet-20240229-v1:0',
      lifecycle: {
        status: 'LEGACY',
        startOfLifeTime: null,
        legacyTime: '2026-10-01T00:00:00.000Z',
        publicExtendedAccessTime: null,
        endOfLifeTime: '2026-11-30T00:00:00.000Z',
      },
    },
    NOW,
    { lifecycleWarnings: [30, 7, 1] },
  );
  const stuck = decideStuck(
    {
      account: ACCOUNT,
      region: REGION,
      modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      state: 'IN_PROGRESS',
      since: '2026-11-24T09:00:00.000Z',
    },
    null,
    NOW,
    1_800_000,
  );
  const config = decideConfigEvents(
    [],
    {
      unknown: [{ modelId: 'amazon.nova-pr-v1:0', suggestions: ['amazon.nova-pro-v1:0'] }],
      undetermined: [],
    },
    { account: ACCOUNT, regions: [REGION], now: NOW },
  );
  if (lifecycle.type === 'unchanged' || stuck.event === null) throw new Error('expected events');
  return [...lifecycle.events, stuck.event, ...config.events];
}

let endpoint: EventBridgeEndpoint;
const clients: EventBridgeClient[] = [];

/** A client as the Lambda builds it: no endpoint in code, only AWS_ENDPOINT_URL_EVENTBRIDGE. */
function eventBridgeClient(config: EventBridgeClientConfig = {}): EventBridgeClient {
  const client = new EventBridgeClient({
    region: REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' },
    ...config,
  });
  clients.push(client);
  return client;
}

beforeEach(async () => {
  endpoint = await startEventBridgeEndpoint({ buses: [BUS] });
  vi.stubEnv('AWS_ENDPOINT_URL_EVENTBRIDGE', endpoint.url);
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  vi.unstubAllEnvs();
  await endpoint.close();
});

describe('the EventBridge publisher', () => {
  it('sends each kind with source bedrock-access-monitor, its detail-type, and the event JSON as detail', async () => {
    const publisher = createEventBridgePublisher({
      client: eventBridgeClient(),
      eventBusName: BUS,
    });
    const events = [
      transition(),
      transition({ kind: 'ready', eventId: 'a', to: 'ENABLED' }),
      ...otherEvents(),
    ];

    for (const event of events) await publisher.publish(event);

    expect(
      endpoint.accepted.map(({ eventBusName, source, detailType, time }) => ({
        eventBusName,
        source,
        detailType,
        time,
      })),
    ).toEqual(
      events.map((event) => ({
        eventBusName: BUS,
        source: 'bedrock-access-monitor',
        detailType: DETAIL_TYPES[event.kind],
        time: event.observedAt,
      })),
    );
    expect(endpoint.accepted.map(({ detail }) => JSON.parse(detail))).toEqual(events);
    expect(endpoint.accepted.map(({ detailType }) => detailType)).toEqual([
      'Bedrock Model Access Revoked',
      'Bedrock Model Access Ready',
      'Bedrock Model Lifecycle',
      'Bedrock Model Access Stuck',
      'Bedrock Access Monitor Config Problem',
    ]);
  });

  it('has one distinct detail-type for every kind, and a source EventBridge allows', () => {
    const detailTypes = EVENT_KINDS.map((kind) => DETAIL_TYPES[kind]);

    expect(new Set(detailTypes).size).toBe(EVENT_KINDS.length);
    expect(Object.keys(DETAIL_TYPES).sort()).toEqual([...EVENT_KINDS].sort());
    expect(EVENTBRIDGE_SOURCE.startsWith('aws.')).toBe(false);
  });

  it('treats an entry EventBridge refused as a failed delivery, and delivers the others', async () => {
    const publisher = createEventBridgePublisher({
      client: eventBridgeClient(),
      eventBusName: BUS,
    });
    const events = otherEvents();
    endpoint.failEntries((entry) => entry.DetailType === DETAIL_TYPES.stuck, 'ThrottlingException');

    const outcomes = await publisher.publishAll(events);
    const single = await publisher
      .publish(events[1] as AnnouncedEvent)
      .catch((error: unknown) => error);

    expect(outcomes.map((outcome) => outcome.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({
      eventId: events[1]?.eventId,
      error: { name: 'EventBridgeDeliveryError', errorCode: 'ThrottlingException' },
    });
    expect(single).toBeInstanceOf(EventBridgeDeliveryError);
    expect((single as Error).message).toBe(
      `EventBridge refused the stuck event ${events[1]?.eventId} (bus ${BUS}): ThrottlingException: Injected ThrottlingException by the test`,
    );
    expect(endpoint.accepted.map(({ detailType }) => detailType)).toEqual([
      DETAIL_TYPES.lifecycle,
      DETAIL_TYPES.config,
    ]);
  });

  it('fails every event of a request EventBridge did not take, with the SDK error as cause', async () => {
    const publisher = createEventBridgePublisher({
      client: eventBridgeClient({ maxAttempts: 2 }),
      eventBusName: BUS,
    });
    endpoint.setDown(true);

    const error = await publisher.publish(transition()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(EventBridgeDeliveryError);
    expect(error).toMatchObject({
      errorCode: 'InternalException',
      cause: { name: 'InternalException' },
    });
    expect(endpoint.requests()).toBe(2);
    expect(endpoint.accepted).toEqual([]);
  });

  it('names a bus that does not exist in the failure', async () => {
    const publisher = createEventBridgePublisher({
      client: eventBridgeClient(),
      eventBusName: 'no-such-bus',
    });

    const error = await publisher.publish(transition()).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ errorCode: 'ResourceNotFoundException' });
  });

  it('sends many events in as few requests as the 10-entry and 256 KB limits allow', async () => {
    const publisher = createEventBridgePublisher({
      client: eventBridgeClient(),
      eventBusName: 'default',
    });
    const small = Array.from({ length: 23 }, (_, i) => transition({ eventId: `small-${i}` }));
    // Large events: each about 100 KB of error text, so two fit a request and three do not.
    const large = Array.from({ length: 5 }, (_, i) =>
      transition({
        eventId: `large-${i}`,
        kind: 'failed',
        raw: { ...RAW_FOR.FAILED, agreementError: 'x'.repeat(100_000) },
      }),
    );

    const smallOutcomes = await publisher.publishAll(small);
    const requestsForSmall = endpoint.requests();
    const largeOutcomes = await publisher.publishAll(large);

    expect(smallOutcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(requestsForSmall).toBe(3);
    expect(largeOutcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(endpoint.requests() - requestsForSmall).toBe(3);
    expect(endpoint.accepted.map(({ detail }) => JSON.parse(detail).eventId)).toEqual([
      ...small.map((event) => event.eventId),
      ...large.map((event) => event.eventId),
    ]);
  });

  it('does not send an event over the 256 KB limit, and says why', async () => {
    const publisher = createEventBridgePublisher({
      client: eventBridgeClient(),
      eventBusName: BUS,
    });
    const huge = transition({
      raw: { ...RAW_FOR.FAILED, agreementError: 'x'.repeat(PUT_EVENTS_MAX_BYTES) },
    });

    const [outcome] = await publisher.publishAll([huge]);

    expect(outcome).toMatchObject({ ok: false });
    expect(outcome?.ok === false && outcome.error.message).toContain(
      'over the 256 KB PutEvents limit',
    );
    expect(endpoint.requests()).toBe(0);
  });
});

describe('the local EventBridge endpoint', () => {
  const entry = (change: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
    Source: 'bedrock-access-monitor',
    DetailType: 'Test',
    Detail: '{"a":1}',
    ...change,
  });
  const put = (entries: PutEventsRequestEntry[]) =>
    eventBridgeClient({ maxAttempts: 1 }).send(new PutEventsCommand({ Entries: entries }));

  it('refuses more than 10 entries, and a request of 256 KB or more, as a whole', async () => {
    const many = await put(Array.from({ length: 11 }, () => entry())).catch(
      (error: unknown) => error,
    );
    const big = await put([
      entry({ Detail: JSON.stringify({ a: 'x'.repeat(132_000) }) }),
      entry({ Detail: JSON.stringify({ b: 'x'.repeat(132_000) }) }),
    ]).catch((error: unknown) => error);

    expect(many).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    expect((many as Error).message).toContain('Member must have length less than or equal to 10');
    expect(big).toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    expect(endpoint.accepted).toEqual([]);
  });

  it('fails an aws. source, a detail that is no JSON object and a missing field, entry by entry', async () => {
    const answer = await put([
      entry({ Source: 'aws.bedrock' }),
      entry({ Detail: '[1, 2]' }),
      entry({ DetailType: undefined }),
      entry(),
    ]);

    expect(answer.FailedEntryCount).toBe(3);
    expect(answer.Entries?.map((result) => result.ErrorCode ?? 'ok')).toEqual([
      'NotAuthorizedForSourceException',
      'MalformedDetail',
      'InvalidArgument',
      'ok',
    ]);
    expect(endpoint.accepted).toHaveLength(1);
  });
});
