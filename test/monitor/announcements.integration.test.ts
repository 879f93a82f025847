/**
 * Lifecycle warnings, unknown ids and stuck requests, end to end: the Lambda handler against
 * the simulator's catalog, dynalite and the SNS endpoint, over simulated days and runs, with
 * cold starts and overlapping invocations. Dates and clocks are drawn at random (fast-check),
 * never round.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/lifecycle/decide-lifecycle.ts';
import { LambdaTestBed } from '../support/lambda-test-bed.ts';

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const TYPO = 'anthropic.claude-sonet-4-5-20250929-v1:0';
const START = Date.UTC(2026, 10, 24, 12, 0);

/** A whole number of milliseconds drawn at random in [min, max]. */
function anyMs(min: number, max: number): number {
  const [value] = fc.sample(fc.integer({ min, max }), 1);
  return value ?? min;
}

interface Published {
  kind: string;
  subject: string;
  event: Record<string, unknown>;
  email: string;
}

function published(bed: LambdaTestBed): Published[] {
  return bed.sns.published.map((p) => {
    const bodies = JSON.parse(p.message) as Record<string, string>;
    return {
      kind: p.attributes.kind?.StringValue ?? '',
      subject: p.subject ?? '',
      event: JSON.parse(bodies.default ?? '{}') as Record<string, unknown>,
      email: bodies.email ?? '',
    };
  });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

describe('lifecycle, unknown ids and stuck requests through the Lambda', () => {
  let bed: LambdaTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('announces each lead time before each date once, across cold starts and overlapping runs', async () => {
    const extendedAt = START + 40 * DAY_MS + anyMs(1, DAY_MS - 1);
    const endOfLife = extendedAt + 35 * DAY_MS + anyMs(1, DAY_MS - 1);
    bed = await LambdaTestBed.start(
      `account: "123456789012"
catalog:
  - id: ${CLAUDE}
    lifecycle: { status: LEGACY, legacyTime: "${iso(START - 10 * DAY_MS)}", publicExtendedAccessTime: "${iso(extendedAt)}", endOfLifeTime: "${iso(endOfLife)}" }
  - id: ${TITAN}
`,
      `regions: [us-east-1, us-west-2]\nmodels:\n  - id: ${CLAUDE}\n  - id: ${TITAN}\n`,
    );
    bed.clock = START + anyMs(0, 3_600_000);
    let handler = bed.newContainer();
    const runs = Math.ceil((endOfLife - bed.clock) / DAY_MS) + 2;
    for (let day = 0; day < runs; day++) {
      if (day % 9 === 4) handler = bed.newContainer();
      if (day % 11 === 7) {
        // Three containers, each cold, invoked at once on the same schedule tick.
        await Promise.all([1, 2, 3].map(() => bed?.invoke(bed.newContainer())));
      } else {
        await bed.invoke(handler);
      }
      bed.clock += DAY_MS + anyMs(-600_000, 600_000);
    }

    const lifecycle = published(bed).filter((p) => p.kind === 'lifecycle');
    const seen = lifecycle.map(
      (p) => `${p.event.region} ${p.event.what} ${p.event.which} ${p.event.leadDays}`,
    );
    const expected = ['us-east-1', 'us-west-2'].flatMap((region) =>
      ['publicExtendedAccessTime', 'endOfLifeTime'].flatMap((which) =>
        [30, 7, 1].map((lead) => `${region} warning ${which} ${lead}`),
      ),
    );
    expect(seen.sort()).toEqual(expected.sort());
    expect(new Set(lifecycle.map((p) => p.event.eventId)).size).toBe(lifecycle.length);
    const oneDay = lifecycle.find(
      (p) => p.event.which === 'endOfLifeTime' && p.event.leadDays === 1,
    );
    expect(oneDay?.subject).toBe(`Bedrock model lifecycle: ${CLAUDE} in ${oneDay?.event.region}`);
    expect(oneDay?.email).toContain(
      `On ${iso(endOfLife).slice(0, 10)} (in 1 day or less), the model reaches its end of life: every call to it fails from then on.`,
    );
    expect(oneDay?.email).toContain(
      'https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html',
    );
  });

  it('warns once about a model first seen past a lead time, then announces a date that moves', async () => {
    const endOfLife = START + 5 * DAY_MS + anyMs(1, DAY_MS - 1);
    const movedTo = endOfLife + 20 * DAY_MS + anyMs(1, DAY_MS - 1);
    bed = await LambdaTestBed.start(
      `account: "123456789012"
catalog:
  - id: ${CLAUDE}
    lifecycle: { status: ACTIVE, endOfLifeTime: "${iso(endOfLife)}" }
catalogTimeline:
  - model: ${CLAUDE}
    timeline:
      - { at: 2, status: ACTIVE, endOfLifeTime: "${iso(movedTo)}" }
`,
      `regions: [us-east-1]\nmodels:\n  - id: ${CLAUDE}\n`,
      { followClock: true },
    );
    bed.clock = START + anyMs(0, 3_600_000);
    const handler = bed.newContainer();

    await bed.invoke(handler);
    bed.nextRun(1);
    await bed.invoke(handler);
    bed.nextRun(2);
    await bed.invoke(handler);
    bed.nextRun(2);
    await bed.invoke(bed.newContainer());

    const lifecycle = published(bed).filter((p) => p.kind === 'lifecycle');
    expect(lifecycle.map((p) => [p.event.what, p.event.which, p.event.leadDays])).toEqual([
      // First sight, inside the 7-day lead time: one warning (the nearest), not one for 30 and 7.
      ['warning', 'endOfLifeTime', 7],
      // Moved out past 7 days, still inside 30 (already announced): the move, no new warning.
      ['date-moved', 'endOfLifeTime', null],
    ]);
    expect(lifecycle[1]?.event.previousDate).toBe(iso(endOfLife));
    expect(lifecycle[1]?.event.date).toBe(iso(movedTo));
  });

  it('keeps grant states when a region cannot be listed; lifecycle there is unknown for the run', async () => {
    bed = await LambdaTestBed.start(
      `account: "123456789012"
catalog: [{ id: ${TITAN} }]
faults:
  - region: us-west-2
    operations: [ListFoundationModels]
    serverError: { share: 1 }
`,
      `regions: [us-east-1, us-west-2]\nmodels:\n  - id: ${TITAN}\n`,
    );

    const summary = await bed.invoke(bed.newContainer());

    expect(summary.catalogFailures).toEqual([
      expect.objectContaining({ region: 'us-west-2', kind: 'server' }),
    ]);
    expect(summary.failures).toEqual([]);
    expect(
      summary.pairs.map((p) => [p.region, p.storedState, p.lifecycle?.status ?? null]),
    ).toEqual([
      ['us-east-1', 'ENABLED', 'ACTIVE'],
      ['us-west-2', 'ENABLED', null],
    ]);
    // An unknown id cannot be told from a region that did not answer: nothing reported.
    expect(summary.unknownModels).toEqual([]);
  });

  it('reports an unknown id every run and announces it once, with the closest real id', async () => {
    bed = await LambdaTestBed.start(
      `account: "123456789012"\ncatalog: [{ id: ${CLAUDE} }, { id: ${TITAN} }]\n`,
      `regions: [us-east-1, us-west-2]\nmodels:\n  - id: ${TITAN}\n  - id: ${TYPO}\n`,
    );
    bed.clock = START + anyMs(0, 3_600_000);

    const summaries = [];
    summaries.push(await bed.invoke(bed.newContainer()));
    bed.nextRun(0);
    summaries.push(
      ...(await Promise.all(
        [1, 2].map(() => (bed as LambdaTestBed).invoke(bed?.newContainer() as never)),
      )),
    );
    bed.nextRun(0);
    summaries.push(await bed.invoke(bed.newContainer()));

    for (const summary of summaries) {
      expect(summary.unknownModels).toEqual([{ modelId: TYPO, suggestions: [CLAUDE] }]);
    }
    // A metric every run, for an alarm or a dashboard to see.
    expect(bed.metrics.filter((m) => m.name === 'UnknownModelIds')).toEqual(
      summaries.map(() => ({ name: 'UnknownModelIds', value: 1 })),
    );
    const warnings = bed.logs.filter((l) =>
      l.message.startsWith('A watched model id is listed by no'),
    );
    expect(warnings).toHaveLength(summaries.length);
    const config = published(bed).filter((p) => p.kind === 'config');
    expect(config).toHaveLength(1);
    expect(config[0]?.event).toMatchObject({
      kind: 'config',
      problem: 'unknown-model',
      modelId: TYPO,
      suggestions: [CLAUDE],
    });
    expect(config[0]?.email).toContain(`Did you mean "${CLAUDE}"?`);
    expect(config[0]?.subject).toBe(`Bedrock monitor config: unknown model id ${TYPO}`);
  });

  it('announces a request stuck in progress once per episode', async () => {
    bed = await LambdaTestBed.start(
      `account: "123456789012"
catalog: [{ id: ${CLAUDE} }]
grants:
  - region: us-east-1
    model: ${CLAUDE}
    timeline:
      - { at: 0, state: NOT_ENABLED }
      - { at: 1, state: IN_PROGRESS }
      - { at: 2, state: NOT_ENABLED }
      - { at: 3, state: IN_PROGRESS }
`,
      `regions: [us-east-1]\nmodels:\n  - id: ${CLAUDE}\nstuckAfter: 30m\n`,
    );
    bed.clock = START + anyMs(0, 3_600_000);
    let handler = bed.newContainer();
    await bed.invoke(handler);
    // Episode 1: IN_PROGRESS for 12 runs of 5 minutes (an hour), a cold start half-way.
    for (let run = 0; run < 12; run++) {
      bed.nextRun(1);
      if (run === 6) handler = bed.newContainer();
      await bed.invoke(handler);
    }
    bed.nextRun(2);
    await bed.invoke(handler);
    // Episode 2: 40 minutes, with overlapping invocations.
    for (let run = 0; run < 8; run++) {
      bed.nextRun(3);
      await Promise.all([1, 2].map(() => bed?.invoke(bed.newContainer())));
    }

    const stuck = published(bed).filter((p) => p.kind === 'stuck');
    expect(stuck).toHaveLength(2);
    expect(new Set(stuck.map((p) => p.event.since)).size).toBe(2);
    for (const p of stuck) {
      expect(p.event.elapsedMs as number).toBeGreaterThan(30 * 60_000);
      expect(p.event.elapsedMs as number).toBeLessThanOrEqual(35 * 60_000);
    }
    expect(stuck[0]?.email).toContain('payment method');
    expect(stuck[0]?.email).toContain('aws-marketplace:Subscribe');
    expect(stuck[0]?.email).toContain('use-case form');
    expect(stuck[0]?.email).toContain(
      `bedrock-access-monitor diagnose ${CLAUDE} --region us-east-1`,
    );
  });
});
