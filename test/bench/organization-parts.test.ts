import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CostEstimate } from '../../bench/cost.ts';
import {
  costPart,
  modelPart,
  organizationGoals,
  organizationLowerBoundMs,
  realPart,
} from '../../bench/organization-parts.ts';
import type {
  OrganizationPeriodMeasured,
  OrganizationRunMeasured,
} from '../../bench/organization-run.ts';
import type { WorkerContainerMeasured } from '../../bench/worker-container.ts';

function period(
  phase: OrganizationPeriodMeasured['phase'],
  overrides: Partial<OrganizationPeriodMeasured> = {},
): OrganizationPeriodMeasured {
  return {
    phase,
    messages: 101,
    invocations: 21,
    plannerWallMs: 170,
    plannerCpuMs: 120,
    wallMs: 6_000,
    cpuMs: 4_040,
    invocationMsTotal: 25_250,
    medianOverheadMs: phase === 'first' ? 90 : 4,
    checks: 2_020,
    unknown: 0,
    failedMessages: 0,
    bedrockRequests: 2_020,
    throttled: 0,
    assumeRoles: phase === 'first' ? 100 : 0,
    dynamoRequests: { Query: 101 },
    dynamoPerAccount: { Query: 1 },
    capacityPerAccount: { Query: 2 },
    writesPerAccount: 0,
    logBytes: 101 * 400,
    snsPublishes: 0,
    ...overrides,
  };
}

function measured(quiet: Partial<OrganizationPeriodMeasured> = {}): OrganizationRunMeasured {
  return {
    accounts: 101,
    members: 100,
    pairsPerAccount: 20,
    models: 5,
    regions: 4,
    concurrency: 10,
    batchSize: 5,
    latencyMs: 25,
    ratePerSecond: 10,
    burst: 1,
    periods: [period('first'), period('quiet', quiet)],
    benchProcessPeakRssBeforeMib: 200,
    benchProcessPeakRssAfterMib: 260,
    container: container(5, 4, 10),
  };
}

function container(
  models: number,
  regions: number,
  batches: number,
  overrides: Partial<WorkerContainerMeasured> = {},
): WorkerContainerMeasured {
  return {
    models,
    regions,
    pairsPerAccount: models * regions,
    batches,
    accountsServed: batches * 5,
    checks: batches * 5 * models * regions,
    unknown: 0,
    failedMessages: 0,
    importMs: 300,
    medianInvocationMs: 500,
    peakRssMib: 120,
    ...overrides,
  };
}

const WORKER = { atScale: container(60, 12, 4), memoryMb: 256 };

const SINGLE_STACK = {
  totalWithoutDashboardUsd: 1.3,
  usageUsd: 0.2,
} as CostEstimate;

describe('organizationLowerBoundMs', () => {
  it('is ceil(accounts / (concurrency x batch)) waves of (requests - burst) / rate', () => {
    // 101 accounts, 50 at once: 3 waves; 5 requests a region, 1 free, at 10/s: 0.4 s each.
    expect(
      organizationLowerBoundMs({
        accounts: 101,
        concurrency: 10,
        batchSize: 5,
        requestsPerAccountRegion: 5,
        burst: 1,
        ratePerSecond: 10,
      }),
    ).toBeCloseTo(1_200, 6);
  });

  it('never exceeds a schedule where the waves run back to back at the rate, and is 0 within the burst', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        (accounts, concurrency, batchSize, requests, burst, rate) => {
          const bound = organizationLowerBoundMs({
            accounts,
            concurrency,
            batchSize,
            requestsPerAccountRegion: requests,
            burst,
            ratePerSecond: rate,
          });
          // One slot at a time, every account after the other: never faster than the bound.
          const serial = (accounts * Math.max(0, requests - burst) * 1000) / rate;
          expect(bound).toBeLessThanOrEqual(serial + 1e-6);
          if (requests <= burst) expect(bound).toBe(0);
        },
      ),
    );
  });
});

describe('realPart', () => {
  it('takes requests per account and region from the quiet period and states the formula', () => {
    const real = realPart(measured(), WORKER);
    expect(real.requestsPerAccountRegion).toBe(5);
    expect(real.lowerBoundMs).toBe(1_200);
    expect(real.lowerBoundFormula).toBe(
      'ceil(101 accounts / (10 invocations x 5 messages)) x (5 requests per account and region - burst 1) / 10 per s',
    );
    expect(real.workerContainers.map((c) => c.pairsPerAccount)).toEqual([20, 720]);
    expect(real.workerMemoryMb).toBe(256);
    expect(real).not.toHaveProperty('container');
  });
});

describe('modelPart', () => {
  it('feeds the scale run plus the quiet overhead as the check, the first overhead as AssumeRole', () => {
    const model = modelPart({ scaleMedianWallMs: 6_500, real: measured() });
    expect(model.checks).toBe(720_000);
    expect(model.inputs.checkMs).toBe(6_504);
    expect(model.inputs.assumeRoleMs).toBe(90);
    // 1,000 accounts of 6.6 s with 100 at once (after the ramp) fit in 5 minutes.
    expect(model.atMaximumConcurrency.finishedAtMs).toBeGreaterThan(66_000);
    expect(model.atMaximumConcurrency.finishedAtMs).toBeLessThan(300_000);
    expect(model.leastConcurrency).toBeGreaterThan(1);
    expect(model.leastConcurrency).toBeLessThanOrEqual(100);
  });

  it('reports no concurrency when even the cap cannot check every account in time', () => {
    const model = modelPart({ scaleMedianWallMs: 400_000, real: measured() });
    expect(model.leastConcurrency).toBeNull();
    expect(model.atMaximumConcurrency.finishedAtMs).toBeGreaterThan(300_000);
  });
});

describe('costPart and the goals', () => {
  const costOf = (quiet: Partial<OrganizationPeriodMeasured> = {}) => {
    const run = measured(quiet);
    const model = modelPart({ scaleMedianWallMs: 6_500, real: run });
    return {
      run,
      model,
      cost: costPart({
        real: run,
        model,
        runsPerMonth: 8_640,
        memoryMb: 256,
        singleStack: SINGLE_STACK,
        coldStart: { wallMs: 300, cpuMs: 280 },
        maxMemoryMb: 90,
      }),
    };
  };

  it('charges each member its share of the invocations and counts an unmeasured GetItem as one unit', () => {
    const { cost } = costOf({
      dynamoPerAccount: { Query: 1, GetItem: 1 },
      capacityPerAccount: { Query: 2 },
    });
    expect(cost.member.wallMs).toBe(250);
    expect(cost.member.cpuMs).toBe(40);
    expect(cost.member.readUnits).toBe(3);
    expect(cost.member.writeUnits).toBe(0);
    expect(cost.member.logBytes).toBeGreaterThan(400);
    expect(cost.estimates.map((estimate) => estimate.accounts)).toEqual([101, 1_000]);
    expect(cost.hub.stackFixedUsd).toBe(1.1);
    expect(cost.estimates[0]?.stackPerAccountUsd).toBeCloseTo(101 * 1.3, 2);
  });

  it('counts the units of every write operation as write units of the member', () => {
    const { cost } = costOf({ capacityPerAccount: { Query: 2, PutItem: 20, UpdateItem: 1 } });
    expect(cost.member.writeUnits).toBe(21);
    expect(cost.member.readUnits).toBe(2);
  });

  it('meets the real goal only with one Query and no other DynamoDB request per account', () => {
    const quiet = costOf();
    const withGetItem = costOf({ dynamoPerAccount: { Query: 1, GetItem: 1 } });
    const goal = (parts: ReturnType<typeof costOf>) =>
      organizationGoals({
        real: realPart(parts.run, WORKER),
        model: parts.model,
        cost: parts.cost,
      }).find((g) => g.part === '6 organization, real');
    expect(goal(quiet)?.met).toBe(true);
    expect(goal(withGetItem)?.met).toBe(false);
    expect(goal(withGetItem)?.measured).toContain('Query 1, GetItem 1');
  });

  it("meets the worker memory goal only while every container's peak RSS is below memorySize and it served every account given", () => {
    const memoryGoal = (atScale: WorkerContainerMeasured) => {
      const parts = costOf();
      return organizationGoals({
        real: realPart(parts.run, { atScale, memoryMb: 256 }),
        model: parts.model,
        cost: parts.cost,
      }).find((g) => g.part === '6 organization, worker memory');
    };
    const within = memoryGoal(container(60, 12, 4, { peakRssMib: 180.5 }));
    expect(within?.met).toBe(true);
    expect(within?.goal).toContain('256 MB');
    expect(within?.measured).toBe(
      '5 x 4: 120 MiB after 50 accounts (10 batches); 60 x 12: 180.5 MiB after 20 accounts (4 batches)',
    );
    expect(memoryGoal(container(60, 12, 4, { peakRssMib: 256 }))?.met).toBe(false);
    expect(memoryGoal(container(60, 12, 4, { accountsServed: 19 }))?.met).toBe(false);
  });
});
