import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStoreError } from '../../src/errors.ts';
import { METRIC } from '../../src/lambda/run-telemetry.ts';
import { renderAlertText } from '../../src/notify/render-alert.ts';
import { LambdaTestBed, TOPIC_ARN } from '../support/lambda-test-bed.ts';

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const CONFIG = `regions: [us-east-1, us-west-2, eu-central-1]
models:
  - id: ${CLAUDE}
  - id: ${TITAN}
`;
// Claude in us-west-2 goes through every kind of transition, one per tick.
const TIMELINE = `account: "123456789012"
catalog: [{ id: ${CLAUDE} }, { id: ${TITAN} }]
grants:
  - region: us-west-2
    model: ${CLAUDE}
    timeline:
      - { at: 0, state: NOT_ENABLED }
      - { at: 1, state: IN_PROGRESS }
      - { at: 2, state: ENABLED }
      - { at: 3, state: NOT_ENABLED }
      - { at: 5, state: FAILED, message: The payment method was declined. }
`;

describe('the monitor Lambda against the simulator, dynalite and SNS', () => {
  let bed: LambdaTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('publishes exactly one documented notification per published transition', async () => {
    bed = await LambdaTestBed.start(TIMELINE, CONFIG);
    const handler = bed.newContainer();

    const baseline = await bed.invoke(handler);
    const kinds: string[][] = [];
    const metricsPerRun = [bed.metrics.splice(0)];
    for (const tick of [1, 2, 3, 4, 5]) {
      bed.nextRun(tick);
      const summary = await bed.invoke(handler);
      kinds.push(summary.transitions.map((t) => t.kind));
      metricsPerRun.push(bed.metrics.splice(0));
    }

    expect(baseline.transitions).toEqual([]);
    // requested is recorded but not published by default; revoked needs two answers (ticks 3, 4).
    expect(kinds).toEqual([['requested'], ['ready'], [], ['revoked'], ['failed']]);
    // Transitions and Notifications only in a run that has some; nothing in a quiet run.
    const transition = { name: METRIC.transitions, value: 1 };
    const notification = { name: METRIC.notifications, value: 1 };
    expect(metricsPerRun).toEqual([
      [],
      [transition],
      [transition, notification],
      [],
      [transition, notification],
      [transition, notification],
    ]);
    expect(bed.sns.published.map((p) => p.subject)).toEqual([
      `Bedrock access ready: ${CLAUDE} in us-west-2`,
      `Bedrock access revoked: ${CLAUDE} in us-west-2`,
      `Bedrock access failed: ${CLAUDE} in us-west-2`,
    ]);
    const ready = bed.sns.published[0];
    if (ready === undefined) throw new Error('no publish');
    expect(ready.topicArn).toBe(TOPIC_ARN);
    expect(ready.messageStructure).toBe('json');
    const bodies = JSON.parse(ready.message) as Record<string, string>;
    const event = JSON.parse(bodies.default as string);
    expect(event).toEqual({
      schema: 'bedrock-access-monitor/transition/v1',
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'ready',
      account: '123456789012',
      modelId: CLAUDE,
      region: 'us-west-2',
      from: 'IN_PROGRESS',
      to: 'ENABLED',
      observedAt: '2026-11-24T12:10:00.000Z',
      previousSince: '2026-11-24T12:05:00.000Z',
      raw: {
        agreement: 'AVAILABLE',
        agreementError: null,
        authorization: 'AUTHORIZED',
        entitlement: 'AVAILABLE',
        region: 'AVAILABLE',
      },
    });
    expect(bodies.email).toBe(renderAlertText(event));
    expect(JSON.parse(bodies.https as string)).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
    });
    expect(ready.attributes).toEqual({
      kind: { DataType: 'String', StringValue: 'ready' },
      modelId: { DataType: 'String', StringValue: CLAUDE },
      region: { DataType: 'String', StringValue: 'us-west-2' },
      state: { DataType: 'String', StringValue: 'ENABLED' },
      account: { DataType: 'String', StringValue: '123456789012' },
    });
    expect(
      bed.logs.filter((l) => l.message === 'Grant state changed').map((l) => l.fields.kind),
    ).toEqual(['requested', 'ready', 'revoked', 'failed']);
  });

  it('makes no DynamoDB write and no publish when nothing changed', async () => {
    bed = await LambdaTestBed.start(TIMELINE, CONFIG);
    const handler = bed.newContainer();
    await bed.invoke(handler);
    const writesAfterBaseline = bed.writes();
    const requestsAfterBaseline = bed.dynamo.requests.length;
    const listingsAfterBaseline = listingsByRegion(bed);

    bed.nextRun(0);
    const summary = await bed.invoke(handler);

    expect(summary.checks).toBe(6);
    expect(bed.writes()).toBe(writesAfterBaseline);
    expect(bed.dynamo.requests.slice(requestsAfterBaseline)).toEqual(['Query']);
    // One ListFoundationModels per watched region and run, not one per pair.
    const listings = listingsByRegion(bed);
    expect(
      Object.fromEntries(
        Object.entries(listings).map(([region, n]) => [
          region,
          n - (listingsAfterBaseline[region] ?? 0),
        ]),
      ),
    ).toEqual({ 'us-east-1': 1, 'us-west-2': 1, 'eu-central-1': 1 });
    expect(bed.sns.published).toEqual([]);
    // No metric: a zero CheckFailures, Transitions or Notifications would bill each of them
    // for the hour (src/lambda/run-telemetry.ts); runs are counted by Lambda's own metrics.
    expect(bed.metrics).toEqual([]);
  });

  it('publishes once when five invocations overlap on the same transition', async () => {
    bed = await LambdaTestBed.start(TIMELINE, CONFIG);
    await bed.invoke(bed.newContainer());
    bed.nextRun(1);
    await bed.invoke(bed.newContainer());
    bed.nextRun(2);

    const containers = Array.from({ length: 5 }, () => bed?.newContainer());
    const summaries = await Promise.all(
      containers.map((handler) => handler && bed?.invoke(handler)),
    );

    expect(bed.sns.published.map((p) => p.subject)).toEqual([
      `Bedrock access ready: ${CLAUDE} in us-west-2`,
    ]);
    expect(summaries.reduce((sum, s) => sum + (s?.transitions.length ?? 0), 0)).toBe(1);
  });

  it('publishes a notification that SNS refused in the next run, exactly once overall', async () => {
    bed = await LambdaTestBed.start(TIMELINE, CONFIG);
    const handler = bed.newContainer();
    await bed.invoke(handler);
    bed.nextRun(1);
    await bed.invoke(handler);
    bed.nextRun(2);
    bed.sns.setDown(true);
    bed.metrics.splice(0);

    const failed = await bed.invoke(handler);
    const failedRunMetrics = bed.metrics.splice(0);
    bed.sns.setDown(false);
    bed.nextRun(2);
    const retried = await bed.invoke(handler);
    const retriedRunMetrics = bed.metrics.splice(0);
    bed.nextRun(2);
    await bed.invoke(handler);

    expect(failed.notifications).toEqual({ published: 0, failed: 1 });
    expect(
      bed.logs.some((l) => l.level === 'warn' && l.message.startsWith('Notification failed')),
    ).toBe(true);
    expect(retried.notifications).toEqual({ published: 1, failed: 0 });
    // The transition counts in the run that claimed it, the notification in the run that sent it.
    expect(failedRunMetrics).toEqual([{ name: METRIC.transitions, value: 1 }]);
    expect(retriedRunMetrics).toEqual([{ name: METRIC.notifications, value: 1 }]);
    expect(bed.metrics).toEqual([]);
    expect(bed.sns.published).toHaveLength(1);
    expect(JSON.parse(JSON.parse(bed.sns.published[0]?.message ?? '{}').default).eventId).toBe(
      failed.transitions[0]?.eventId,
    );
  });

  it('fails the invocation and publishes nothing when DynamoDB cannot be reached', async () => {
    bed = await LambdaTestBed.start(TIMELINE, CONFIG);
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${await closedPort()}`;
    const handler = bed.newContainer();

    const invocation = bed.invoke(handler);

    await expect(invocation).rejects.toBeInstanceOf(StateStoreError);
    expect(bed.sns.published).toEqual([]);
    expect(bed.logs.some((l) => l.level === 'error')).toBe(true);
    expect(bed.metrics).toEqual([]);
  });

  it('does not fail the invocation when a region fails: it reports the failures', async () => {
    bed = await LambdaTestBed.start(
      `${TIMELINE}faults:\n  - region: eu-central-1\n    serverError: { share: 1 }\n`,
      CONFIG,
    );

    const summary = await bed.invoke(bed.newContainer());

    expect(summary.failures).toHaveLength(2);
    expect(summary.states.UNKNOWN).toBe(2);
    // The baseline run: no transition, no notification, so neither metric.
    expect(bed.metrics).toEqual([{ name: METRIC.checkFailures, value: 2 }]);
  });

  it('fails the invocation with every problem when the config file is bad', async () => {
    bed = await LambdaTestBed.start(TIMELINE, 'regions: [us-east-1]\nmodels: []\n');

    await expect(bed.invoke(bed.newContainer())).rejects.toThrow(/watched-models\.yml:2:9: /);
    expect(bed.sns.published).toEqual([]);
  });
});

function listingsByRegion(bed: LambdaTestBed): Record<string, number> {
  return Object.fromEntries(
    Object.entries(bed.simulator.stats().regions).map(([region, operations]) => [
      region,
      operations.ListFoundationModels?.requests ?? 0,
    ]),
  );
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
