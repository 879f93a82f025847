import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBedrockAvailabilitySource } from '../../src/bedrock/availability-source.ts';
import { createBedrockClientCache } from '../../src/bedrock/bedrock-clients.ts';
import { runBudget } from '../../src/lambda/create-monitor-handler.ts';
import { parseScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { TEST_CREDENTIALS } from '../support/dynalite.ts';
import { anyRemainingMs } from '../support/lambda-context.ts';
import { LambdaTestBed } from '../support/lambda-test-bed.ts';

/**
 * The values the platform chooses: any remaining time Lambda reports (an integer from 1 ms to
 * 15 minutes, never a round number on purpose), at any clock. A fractional duration reaching
 * AbortSignal.timeout once made every check of three runs in four fail with a RangeError that
 * passed for a network failure.
 */

const MODELS = [
  'amazon.titan-text-express-v1',
  'amazon.nova-pro-v1:0',
  'meta.llama3-8b-instruct-v1:0',
];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

describe('runBudget', () => {
  it('derives whole milliseconds that end the Bedrock calls in time and outlast the run', () => {
    fc.assert(
      fc.property(
        // A quarter of a remaining time: fractional three times in four, as in the shipped defect.
        fc.oneof(
          anyRemainingMs,
          anyRemainingMs.map((ms) => ms / 4),
        ),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (remaining, now) => {
          const { deadline, outboxLeaseMs } = runBudget(remaining, now);

          expect(Number.isInteger(deadline)).toBe(true);
          expect(Number.isInteger(outboxLeaseMs)).toBe(true);
          // At least 5 s, or a quarter of the time, is left to save and publish.
          expect(now + remaining - deadline).toBeGreaterThanOrEqual(Math.min(5_000, remaining));
          expect(now + remaining - deadline).toBeGreaterThanOrEqual(Math.floor(remaining / 4));
          expect(outboxLeaseMs).toBeGreaterThan(remaining);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('the Bedrock checks under any deadline', () => {
  let simulator: RunningSimulator;
  beforeAll(async () => {
    // Every answer takes 30 ms, so a deadline can fall in the middle of a run's checks.
    simulator = await startSimulator({
      scenario: parseScenario(
        `account: "123456789012"\ncatalog: [${MODELS.map((id) => `{ id: ${id} }`).join(', ')}]\nfaults:\n  - latencyMs: 30\n`,
        'slow.yml',
      ),
    });
  });
  afterAll(() => simulator.close());

  it('ends every check by the deadline, fractional or not: answered, or timed out, never a defect', async () => {
    const source = createBedrockAvailabilitySource({
      clientForRegion: createBedrockClientCache({
        requestTimeoutMs: 10_000,
        maxAttempts: 3,
        endpoint: simulator.url,
        credentials: TEST_CREDENTIALS,
      }),
      concurrencyPerRegion: 2,
    });
    const targets = REGIONS.flatMap((region) => MODELS.map((modelId) => ({ region, modelId })));

    await fc.assert(
      fc.asyncProperty(
        // Quarters of a millisecond: fractional three times in four, as in the shipped defect.
        fc.integer({ min: -200, max: 12_000 }).map((quarters) => quarters / 4),
        async (budgetMs) => {
          const deadline = Date.now() + budgetMs;

          const outcomes = await source.check(targets, deadline);

          // The calls stop at the deadline; allow for the event loop on a shared machine.
          expect(Date.now()).toBeLessThanOrEqual(Math.ceil(deadline) + 250);
          for (const outcome of outcomes) {
            if (!outcome.ok) expect(outcome.kind).toBe('timeout');
          }
          if (budgetMs >= 2_000) expect(outcomes.filter((o) => !o.ok)).toEqual([]);
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});

describe('the handler with any context Lambda may hand it', () => {
  let bed: LambdaTestBed;
  beforeAll(async () => {
    bed = await LambdaTestBed.start(
      `account: "123456789012"\ncatalog: [${MODELS.map((id) => `{ id: ${id} }`).join(', ')}]\n`,
      `regions: [${REGIONS.join(', ')}]\nmodels:\n${MODELS.map((id) => `  - id: ${id}\n`).join('')}`,
    );
  });
  afterAll(() => bed.close());

  it('checks every pair when it has time, and never reports a defect as a failed check', async () => {
    const handler = bed.newContainer();
    await fc.assert(
      fc.asyncProperty(
        anyRemainingMs,
        fc.integer({ min: 1, max: 3_600_000 }),
        async (remaining, gap) => {
          bed.clock += gap;
          const budget = runBudget(remaining, Date.now()).deadline - Date.now();

          const summary = await bed.invoke(handler, remaining);

          expect(summary.checks).toBe(MODELS.length * REGIONS.length);
          for (const failure of summary.failures) expect(failure.kind).toBe('timeout');
          if (budget >= 2_000) expect(summary.states.UNKNOWN).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
    expect(bed.logs.filter((line) => line.level === 'error')).toEqual([]);
  }, 120_000);
});
