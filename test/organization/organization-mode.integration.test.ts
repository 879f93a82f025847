import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HUB_ACCOUNT,
  OrganizationTestBed,
  SCHEDULE_PERIOD_MS,
  sqsRecord,
} from '../support/organization-test-bed.ts';

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const READY = '111111111111';
const DENIED = '222222222222';
const THROTTLED = '333333333333';
const QUIET = '444444444444';

// Five accounts: the hub (the management account), one whose grant goes IN_PROGRESS ->
// ENABLED, one whose role cannot be assumed, one where every second Bedrock call is throttled,
// one where nothing happens.
const SCENARIO = `
account: "999999999999"
catalog: [{ id: ${CLAUDE} }]
grants:
  - account: "${READY}"
    region: us-east-1
    model: ${CLAUDE}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]
faults:
  - account: "${THROTTLED}"
    throttle: { share: 0.5 }
organization:
  roots: [r-abcd]
  accounts:
    - { id: "${READY}", name: prod-ml }
    - { id: "${DENIED}", name: sandbox, assumeRole: denied }
    - { id: "${THROTTLED}", name: busy }
    - { id: "${QUIET}", name: quiet }
`;

const CONFIG = `regions: [us-east-1]
models:
  - id: ${CLAUDE}
confirmRevocation: 2
accounts:
  roleName: bedrock-access-monitor-read
  organization: {}
`;

function expectOneReadyAndOneUnreachable(bed: OrganizationTestBed) {
  const notifications = bed.notifications();
  expect(notifications.map(({ attributes }) => [attributes.kind, attributes.account])).toEqual(
    expect.arrayContaining([
      ['ready', READY],
      ['account-unreachable', DENIED],
    ]),
  );
  expect(notifications).toHaveLength(2);
  const ready = notifications.find(({ attributes }) => attributes.kind === 'ready');
  expect(ready?.event).toMatchObject({
    kind: 'ready',
    account: READY,
    accountName: 'prod-ml',
    modelId: CLAUDE,
  });
  expect(ready?.subject).toBe(`Bedrock access ready: ${CLAUDE} in us-east-1, account prod-ml`);
  const unreachable = notifications.find(
    ({ attributes }) => attributes.kind === 'account-unreachable',
  );
  expect(unreachable?.event).toMatchObject({
    schema: 'bedrock-access-monitor/account/v1',
    kind: 'account-unreachable',
    account: DENIED,
    accountName: 'sandbox',
    since: '2026-11-24T12:00:00.000Z',
    observedAt: '2026-11-24T12:05:00.000Z',
    reason: expect.stringContaining('AccessDenied'),
  });
  expect(unreachable?.subject).toBe(
    'Bedrock access monitor: account sandbox (222222222222) unreachable',
  );
}

describe('organization mode, planner and worker over real sockets', () => {
  let bed: OrganizationTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('gives one ready naming the account and one account-unreachable after the confirmation periods, nothing else', async () => {
    bed = await OrganizationTestBed.start(SCENARIO, CONFIG);
    const worker = bed.newWorker();

    const first = await bed.period(worker, 0);
    const second = await bed.period(worker, 1);
    const third = await bed.period(worker, 2);

    expect(first.messages.map((message) => JSON.parse(message.body).account).sort()).toEqual(
      [READY, DENIED, THROTTLED, QUIET, '999999999999'].sort(),
    );
    expectOneReadyAndOneUnreachable(bed);
    // Only the unreachable account's message fails, alone.
    const failedAccounts = (response: typeof first) =>
      response.response.batchItemFailures
        .map(({ itemIdentifier }) =>
          JSON.parse(response.messages.find((m) => m.messageId === itemIdentifier)?.body ?? '{}'),
        )
        .map((body) => body.account)
        .sort();
    expect(failedAccounts(first)).toEqual([DENIED]);
    expect(failedAccounts(third)).toEqual([DENIED]);
    expect(second.response.batchItemFailures).toHaveLength(1);
    // The hub was checked with its own credentials, the members through their roles.
    const stats = bed.simulator.stats().regions['us-east-1'];
    expect(stats?.AssumeRole?.errors).toEqual({ AccessDenied: 3 });
    // One AssumeRole per reachable member for all three periods: the credentials are cached.
    expect(stats?.AssumeRole?.successes).toBe(3);
    expect(bed.metrics).toContainEqual({ name: 'UnreachableAccounts', value: 1 });
  });

  it('gives the same with every message delivered twice, out of order, in separate batches', async () => {
    bed = await OrganizationTestBed.start(SCENARIO, CONFIG);
    const workers = [bed.newWorker(), bed.newWorker()];

    for (const tick of [0, 1, 2]) {
      bed.simulator.setTick(tick);
      const messages = await bed.plan();
      const order = fc.sample(
        fc.shuffledSubarray([...messages, ...messages], {
          minLength: messages.length * 2,
          maxLength: messages.length * 2,
        }),
        1,
      )[0] as typeof messages;
      const half = Math.floor(order.length / 2);
      await Promise.all([
        bed.deliver(
          workers[0] as (typeof workers)[0],
          order.slice(0, half).map((m) => sqsRecord(m, 1)),
        ),
        bed.deliver(
          workers[1] as (typeof workers)[0],
          order.slice(half).map((m) => sqsRecord(m, 2)),
        ),
      ]);
      bed.clock += SCHEDULE_PERIOD_MS;
    }

    expectOneReadyAndOneUnreachable(bed);
  });

  it('reads each reachable member with one Query on a quiet period and writes nothing', async () => {
    bed = await OrganizationTestBed.start(SCENARIO, CONFIG);
    const worker = bed.newWorker();
    for (const tick of [0, 1, 2]) await bed.period(worker, tick);
    const before = bed.dynamoRequests.requests.length;

    await bed.period(worker, 3);

    const byAccount = new Map<string, string[]>();
    for (const { operation, body } of bed.dynamoRequests.requests.slice(before)) {
      const account = partitionOf(body).replace('ACCOUNT#', '');
      byAccount.set(account, [...(byAccount.get(account) ?? []), operation]);
    }
    // The unreachable member is never queried (its role cannot be assumed): its reachability
    // is read alone, and stays unwritten while it stays unreachable.
    expect(Object.fromEntries(byAccount)).toEqual({
      [READY]: ['Query'],
      [THROTTLED]: ['Query'],
      [QUIET]: ['Query'],
      '999999999999': ['Query'],
      [DENIED]: ['GetItem'],
    });
  });

  it("sends a member's transition to the EventBridge bus too, naming the account", async () => {
    bed = await OrganizationTestBed.start(SCENARIO, CONFIG);
    // Read by the workers' environment as a new container reads it.
    const bus = await bed.useEventBus('ops-events');
    const worker = bed.newWorker();
    for (const tick of [0, 1]) await bed.period(worker, tick);

    // The unreachable member's account event goes there too (the next test).
    const grants = bus.accepted.filter(({ detailType }) => detailType.startsWith('Bedrock Model'));
    expect(
      grants.map(({ detailType, detail }) => [detailType, JSON.parse(detail).account]),
    ).toEqual([['Bedrock Model Access Ready', READY]]);
    expect(JSON.parse(grants[0]?.detail ?? '{}')).toMatchObject({
      accountName: 'prod-ml',
      modelId: CLAUDE,
    });
  });

  it("sends a member's account-unreachable to the EventBridge bus too, once", async () => {
    bed = await OrganizationTestBed.start(SCENARIO, CONFIG);
    const bus = await bed.useEventBus('ops-events');
    const worker = bed.newWorker();
    for (const tick of [0, 1, 2]) await bed.period(worker, tick);

    const unreachable = bus.accepted.filter(
      ({ detailType }) => detailType === 'Bedrock Access Monitor Account Unreachable',
    );
    expect(unreachable.map(({ source, eventBusName }) => [source, eventBusName])).toEqual([
      ['bedrock-access-monitor', 'ops-events'],
    ]);
    // The event JSON itself, as SNS subscribers get it in the default body.
    const sent = bed.notifications().find((n) => n.attributes.kind === 'account-unreachable');
    expect(JSON.parse(unreachable[0]?.detail ?? '{}')).toEqual(sent?.event);
    expect(sent?.event).toMatchObject({ account: DENIED, since: '2026-11-24T12:00:00.000Z' });
    expect(unreachable[0]?.time).toBe('2026-11-24T12:05:00.000Z');
    expectOneReadyAndOneUnreachable(bed);
  });

  it('sends an account event the bus refused once on the next period, to the bus only', async () => {
    bed = await OrganizationTestBed.start(SCENARIO, CONFIG);
    const bus = await bed.useEventBus('ops-events');
    const worker = bed.newWorker();
    let refused = 0;
    bus.failEntries((entry) => {
      if (entry.DetailType !== 'Bedrock Access Monitor Account Unreachable') return false;
      refused += 1;
      return refused === 1;
    });
    await bed.period(worker, 0);
    await bed.period(worker, 1);
    const accounts = () =>
      bus.accepted.filter(({ detailType }) => detailType.includes('Account Unreachable'));
    expect(refused).toBe(1);
    expect(accounts()).toEqual([]);
    expect(
      bed.logs.some(
        (line) =>
          line.message.startsWith('Notification failed') && line.fields?.target === 'eventbridge',
      ),
    ).toBe(true);

    await bed.period(worker, 2);

    expect(refused).toBe(2);
    expect(accounts().map(({ detail }) => JSON.parse(detail).account)).toEqual([DENIED]);
    // SNS had it in the first period, and only then.
    expectOneReadyAndOneUnreachable(bed);
    await bed.period(worker, 3);
    expect(accounts()).toHaveLength(1);
  });

  it("lists the catalog with the hub's message only: an unknown id is announced once, not once per member", async () => {
    const unknown = 'anthropic.claude-sonnet-9-v1:0';
    bed = await OrganizationTestBed.start(
      SCENARIO,
      CONFIG.replace(`  - id: ${CLAUDE}\n`, `  - id: ${CLAUDE}\n  - id: ${unknown}\n`),
    );
    const worker = bed.newWorker();
    for (const tick of [0, 1, 2]) await bed.period(worker, tick);

    const config = bed.notifications().filter(({ attributes }) => attributes.kind === 'config');
    expect(config.map(({ attributes }) => attributes.account)).toEqual([HUB_ACCOUNT]);
    expect(JSON.stringify(config[0]?.event)).toContain(unknown);
    // One ListFoundationModels a period, from the hub.
    expect(bed.simulator.stats().regions['us-east-1']?.ListFoundationModels?.successes).toBe(3);
  });

  it('skips a message older than one schedule period, checking nothing', async () => {
    bed = await OrganizationTestBed.start(SCENARIO, CONFIG);
    const [lateBy = 1] = fc.sample(fc.integer({ min: 1, max: 60_000 }), 1);
    const late = bed.newWorker(() => SCHEDULE_PERIOD_MS + lateBy);

    const messages = await bed.plan();
    bed.simulator.resetStats();
    const response = await bed.deliver(
      late,
      messages.map((message) => sqsRecord(message)),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(bed.simulator.stats().total.requests).toBe(0);
    expect(
      bed.logs.filter((line) => line.message.startsWith('Skipped a stale work message')),
    ).toHaveLength(messages.length);
    expect(bed.metrics).toContainEqual({ name: 'StaleWorkMessages', value: messages.length });
  });
});

/** The partition key a DynamoDB request names, as the SDK marshalled it. */
function partitionOf(body: Record<string, unknown>): string {
  type Marshalled = Record<string, { S?: string }> | undefined;
  const key = (body.Key ?? body.Item) as Marshalled;
  const values = body.ExpressionAttributeValues as Marshalled;
  return key?.pk?.S ?? values?.[':pk']?.S ?? 'unknown';
}
