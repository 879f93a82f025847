/**
 * Every announced event goes to SNS and to the EventBridge bus, each target tracked apart in
 * the outbox: a target that was down gets the event later, once, and the other is not sent it
 * again. Over real sockets: the simulator, dynalite, the SNS and EventBridge endpoints.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DETAIL_TYPES, EVENTBRIDGE_SOURCE } from '../../src/notify/eventbridge-publisher.ts';
import { LambdaTestBed } from '../support/lambda-test-bed.ts';

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const CONFIG = `regions: [us-east-1, us-west-2]\nmodels:\n  - id: ${CLAUDE}\n`;
const TIMELINE = `account: "123456789012"
catalog: [{ id: ${CLAUDE} }]
grants:
  - region: us-west-2
    model: ${CLAUDE}
    timeline:
      - { at: 0, state: IN_PROGRESS }
      - { at: 1, state: ENABLED }
      - { at: 2, state: NOT_ENABLED }
`;
const BUS = 'ops-events';

function snsEventIds(bed: LambdaTestBed): string[] {
  return bed.sns.published.map(
    (p) => JSON.parse(JSON.parse(p.message).default as string).eventId as string,
  );
}

function busEventIds(bed: LambdaTestBed): string[] {
  return (bed.eventBridge?.accepted ?? []).map(
    (e) => (JSON.parse(e.detail) as { eventId: string }).eventId,
  );
}

describe('delivery to SNS and to an EventBridge bus, tracked apart', () => {
  let bed: LambdaTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('sends each event to the bus with its source, detail-type and JSON', async () => {
    bed = await LambdaTestBed.start(TIMELINE, CONFIG, { eventBus: BUS });
    const handler = bed.newContainer();
    await bed.invoke(handler);
    bed.nextRun(1);

    const summary = await bed.invoke(handler);

    expect(summary.notifications).toEqual({ published: 2, failed: 0 });
    const [accepted] = bed.eventBridge?.accepted ?? [];
    expect(accepted).toMatchObject({
      eventBusName: BUS,
      source: EVENTBRIDGE_SOURCE,
      detailType: DETAIL_TYPES.ready,
    });
    expect(JSON.parse(accepted?.detail ?? '{}')).toEqual(
      JSON.parse(JSON.parse(bed.sns.published[0]?.message ?? '{}').default),
    );
  });

  it('with EventBridge down and SNS up: SNS once now, EventBridge once later', async () => {
    bed = await LambdaTestBed.start(TIMELINE, CONFIG, { eventBus: BUS });
    const handler = bed.newContainer();
    await bed.invoke(handler);
    bed.nextRun(1);
    bed.eventBridge?.setDown(true);

    const down = await bed.invoke(handler);
    const afterDown = { sns: snsEventIds(bed), bus: busEventIds(bed) };
    bed.eventBridge?.setDown(false);
    bed.nextRun(1);
    await bed.invoke(bed.newContainer());
    bed.nextRun(1);
    await bed.invoke(handler);

    const ready = down.transitions[0]?.eventId;
    expect(down.notifications).toEqual({ published: 1, failed: 1 });
    expect(afterDown).toEqual({ sns: [ready], bus: [] });
    expect(snsEventIds(bed)).toEqual([ready]);
    expect(busEventIds(bed)).toEqual([ready]);
    expect(
      bed.logs.some(
        (l) => l.message.startsWith('Notification failed') && l.fields.target === 'eventbridge',
      ),
    ).toBe(true);
  });

  it('with SNS down and EventBridge up: EventBridge once now, SNS once later', async () => {
    bed = await LambdaTestBed.start(TIMELINE, CONFIG, { eventBus: BUS });
    const handler = bed.newContainer();
    await bed.invoke(handler);
    bed.nextRun(1);
    bed.sns.setDown(true);

    const down = await bed.invoke(handler);
    const afterDown = { sns: snsEventIds(bed), bus: busEventIds(bed) };
    bed.sns.setDown(false);
    bed.nextRun(1);
    await Promise.all([1, 2].map(() => bed?.invoke(bed.newContainer())));
    bed.nextRun(1);
    await bed.invoke(handler);

    const ready = down.transitions[0]?.eventId;
    expect(afterDown).toEqual({ sns: [], bus: [ready] });
    expect(snsEventIds(bed)).toEqual([ready]);
    expect(busEventIds(bed)).toEqual([ready]);
  });

  it('sends lifecycle, stuck and config events to the bus with their own detail-types', async () => {
    const inTwentyDays = new Date(Date.now() + 20 * 86_400_000 + 12_345).toISOString();
    bed = await LambdaTestBed.start(
      `account: "123456789012"
catalog:
  - id: ${CLAUDE}
    lifecycle: { status: LEGACY, endOfLifeTime: "${inTwentyDays}" }
`,
      `regions: [us-east-1]\nmodels:\n  - id: ${CLAUDE}\n  - id: anthropic.claude-sonet-4-5-20250929-v1:0\n`,
      { eventBus: BUS, followClock: true },
    );
    bed.clock = Date.now();

    await bed.invoke(bed.newContainer());

    const accepted = bed.eventBridge?.accepted ?? [];
    expect(accepted.map((e) => e.detailType).sort()).toEqual(
      [DETAIL_TYPES.lifecycle, DETAIL_TYPES.config].sort(),
    );
    const lifecycle = accepted.find((e) => e.detailType === DETAIL_TYPES.lifecycle);
    expect(JSON.parse(lifecycle?.detail ?? '{}')).toMatchObject({
      kind: 'lifecycle',
      what: 'warning',
      which: 'endOfLifeTime',
      leadDays: 30,
      date: inTwentyDays,
    });
    expect(busEventIds(bed).sort()).toEqual(snsEventIds(bed).sort());
  });
});
