/**
 * The catalog source against the simulator over a real socket, with the same client cache the
 * Lambda and the CLI use: one ListFoundationModels per watched region, read strictly, and a
 * region whose listing fails is UNKNOWN there alone.
 */
import {
  ListFoundationModelsCommand,
  type ListFoundationModelsCommandOutput,
} from '@aws-sdk/client-bedrock';
import fc from 'fast-check';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { createBedrockClientCache } from '../../src/bedrock/bedrock-clients.ts';
import {
  createBedrockCatalogSource,
  type ListingClient,
} from '../../src/catalog/catalog-source.ts';
import type { CheckTarget } from '../../src/grants/types.ts';
import type { RunningSimulator } from '../../src/simulator/server.ts';
import { FAKE_CREDENTIALS, manualClock, startTestSimulator } from '../simulator/sim-harness.ts';

const SONNET = 'anthropic.claude-3-sonnet-20240229-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';
const START_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const DAY_MS = 86_400_000;

const CATALOG = `
account: "123456789012"
catalog:
  - id: ${SONNET}
    lifecycle:
      status: LEGACY
      legacyTime: -10d
      publicExtendedAccessTime: +20d
      endOfLifeTime: +80d
  - id: ${TITAN}
    regions: [us-east-1, eu-west-1]
  - id: ${LLAMA}
`;

const targets = (regions: string[], models: string[]): CheckTarget[] =>
  models.flatMap((modelId) => regions.map((region) => ({ region, modelId })));

function sourceFor(simulator: RunningSimulator, options: { maxAttempts?: number } = {}) {
  vi.stubEnv('AWS_ENDPOINT_URL_BEDROCK', simulator.url);
  onTestFinished(() => {
    vi.unstubAllEnvs();
  });
  return createBedrockCatalogSource({
    clientForRegion: createBedrockClientCache({
      requestTimeoutMs: 5000,
      maxAttempts: options.maxAttempts ?? 1,
      credentials: FAKE_CREDENTIALS,
    }),
    concurrency: 4,
  });
}

const listings = (simulator: RunningSimulator, region: string) =>
  simulator.stats().regions[region]?.ListFoundationModels?.requests ?? 0;

describe('listing the catalog of each watched region', () => {
  it('asks once per region, not once per pair, and reads each watched lifecycle', async () => {
    const simulator = await startTestSimulator(CATALOG, manualClock(START_MS).now);
    const source = sourceFor(simulator);
    const regions = ['us-east-1', 'us-west-2', 'eu-west-1'];

    const catalogs = await source.list(targets(regions, [SONNET, TITAN]), Date.now() + 10_000);

    expect(regions.map((region) => listings(simulator, region))).toEqual([1, 1, 1]);
    expect(catalogs.map((catalog) => catalog.region)).toEqual(regions);
    const [east, west] = catalogs;
    expect(east).toMatchObject({ ok: true, listedIds: [SONNET, TITAN, LLAMA] });
    expect(west).toMatchObject({ ok: true, listedIds: [SONNET, LLAMA] });
    if (!east?.ok || !west?.ok) throw new Error('expected both listings to succeed');
    expect(east.lifecycles.get(SONNET)).toEqual({
      status: 'LEGACY',
      startOfLifeTime: null,
      legacyTime: new Date(START_MS - 10 * DAY_MS).toISOString(),
      publicExtendedAccessTime: new Date(START_MS + 20 * DAY_MS).toISOString(),
      endOfLifeTime: new Date(START_MS + 80 * DAY_MS).toISOString(),
    });
    expect(east.lifecycles.get(TITAN)).toEqual({
      status: 'ACTIVE',
      startOfLifeTime: null,
      legacyTime: null,
      publicExtendedAccessTime: null,
      endOfLifeTime: null,
    });
    // Only watched models: LLAMA is listed but not watched; TITAN is watched but not listed here.
    expect([...east.lifecycles.keys()]).toEqual([SONNET, TITAN]);
    expect([...west.lifecycles.keys()]).toEqual([SONNET]);
  });

  it('reports a throttled or failing region as UNKNOWN and lists the others', async () => {
    const simulator = await startTestSimulator(`${CATALOG}
faults:
  - { region: us-west-2, operations: [ListFoundationModels], throttle: { share: 1 } }
  - { region: eu-west-1, operations: [ListFoundationModels], serverError: { status: 500 } }
`);
    const source = sourceFor(simulator, { maxAttempts: 2 });

    const [east, west, europe] = await source.list(
      targets(['us-east-1', 'us-west-2', 'eu-west-1'], [SONNET]),
      Date.now() + 20_000,
    );

    expect(east).toMatchObject({ ok: true });
    expect(west).toMatchObject({ ok: false, kind: 'throttled', errorName: 'ThrottlingException' });
    expect(europe).toMatchObject({
      ok: false,
      kind: 'server',
      errorName: 'InternalServerException',
    });
  });

  it.each([
    ['not-json', /Deserialization error/],
    [
      'missing-fields',
      /modelSummaries\.0\.modelArn is missing; modelSummaries\.0\.modelLifecycle is missing/,
    ],
    ['unknown-enum', /modelSummaries\.0\.modelLifecycle\.status is "RETIRED"/],
    ['bad-timestamp', /Deserialization error/],
  ])('never trusts a malformed answer (%s)', async (kind, message) => {
    const simulator = await startTestSimulator(`${CATALOG}
faults:
  - { region: us-west-2, operations: [ListFoundationModels], malformed: { kind: ${kind} } }
`);
    const source = sourceFor(simulator);

    const [east, west] = await source.list(
      targets(['us-east-1', 'us-west-2'], [SONNET]),
      Date.now() + 10_000,
    );

    expect(east).toMatchObject({ ok: true });
    expect(west).toMatchObject({ ok: false, kind: 'malformed' });
    expect(west?.ok === false && west.message).toMatch(message);
  });

  it('gives up on a region at the deadline, and asks nothing once it has passed', async () => {
    const simulator = await startTestSimulator(`${CATALOG}
faults:
  - { region: us-west-2, operations: [ListFoundationModels], latencyMs: 5000 }
`);
    const source = sourceFor(simulator);

    const startedAt = Date.now();
    const [east, west] = await source.list(
      targets(['us-east-1', 'us-west-2'], [SONNET]),
      startedAt + 1_500,
    );
    const elapsedMs = Date.now() - startedAt;
    const late = await source.list(targets(['eu-west-1'], [SONNET]), Date.now() - 1);

    expect(east).toMatchObject({ ok: true });
    expect(west).toMatchObject({ ok: false, kind: 'timeout' });
    expect(elapsedMs).toBeLessThan(5000);
    expect(late).toEqual([expect.objectContaining({ ok: false, kind: 'timeout' })]);
    expect(listings(simulator, 'eu-west-1')).toBe(0);
  });
});

/** A client that answers after `delayMs`, or throws `error`, and counts calls in flight. */
function fakeClients(behaviour: (region: string) => { delayMs: number; error?: unknown }) {
  let inFlight = 0;
  let maxInFlight = 0;
  const calls: string[] = [];
  const clientForRegion = (region: string): ListingClient => ({
    async send(command: ListFoundationModelsCommand): Promise<ListFoundationModelsCommandOutput> {
      expect(command).toBeInstanceOf(ListFoundationModelsCommand);
      calls.push(region);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const { delayMs, error } = behaviour(region);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      inFlight -= 1;
      if (error !== undefined) throw error;
      return { $metadata: {}, modelSummaries: [] };
    },
  });
  return { clientForRegion, calls, maxInFlight: () => maxInFlight };
}

describe('the catalog source', () => {
  it('lists every region once, at most `concurrency` at a time, in the order given', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.constantFrom(
            'us-east-1',
            'us-west-2',
            'eu-west-1',
            'eu-central-1',
            'ap-northeast-1',
            'ap-south-1',
          ),
          { minLength: 1 },
        ),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 6, maxLength: 6 }),
        async (regions: string[], concurrency, delays) => {
          const fake = fakeClients((region) => ({ delayMs: delays[regions.indexOf(region)] ?? 0 }));
          const source = createBedrockCatalogSource({
            clientForRegion: fake.clientForRegion,
            concurrency,
          });

          const catalogs = await source.list(
            targets(regions, [SONNET, TITAN]),
            Date.now() + 10_000,
          );

          expect(catalogs.map((catalog) => catalog.region)).toEqual(regions);
          expect([...fake.calls].sort()).toEqual([...regions].sort());
          expect(fake.maxInFlight()).toBe(Math.min(concurrency, regions.length));
        },
      ),
      { numRuns: 40 },
    );
  });

  it.each([
    ['TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['RangeError', new RangeError('Invalid array length')],
    ['Error that no AWS call raised', new Error('unexpected state')],
  ])('rethrows a %s instead of calling it a failed listing', async (_name, error) => {
    const fake = fakeClients(() => ({ delayMs: 0, error }));
    const source = createBedrockCatalogSource({
      clientForRegion: fake.clientForRegion,
      concurrency: 2,
    });

    await expect(source.list(targets(['us-east-1'], [SONNET]), Date.now() + 1000)).rejects.toBe(
      error,
    );
  });

  it("calls the SDK's TypeError about an answer it read a malformed answer", async () => {
    const sdkError = Object.assign(
      new TypeError('Invalid RFC-3339 date-time value\n  Deserialization error: ...'),
      {
        $metadata: { httpStatusCode: 200 },
      },
    );
    const fake = fakeClients(() => ({ delayMs: 0, error: sdkError }));
    const source = createBedrockCatalogSource({
      clientForRegion: fake.clientForRegion,
      concurrency: 2,
    });

    const [catalog] = await source.list(targets(['us-east-1'], [SONNET]), Date.now() + 1000);

    expect(catalog).toMatchObject({ ok: false, kind: 'malformed', errorName: 'TypeError' });
  });

  it('refuses a deadline that is not whole milliseconds, and a concurrency below 1', async () => {
    const fake = fakeClients(() => ({ delayMs: 0 }));
    const source = createBedrockCatalogSource({
      clientForRegion: fake.clientForRegion,
      concurrency: 1,
    });

    await expect(source.list(targets(['us-east-1'], [SONNET]), Date.now() + 0.5)).rejects.toThrow(
      RangeError,
    );
    expect(() =>
      createBedrockCatalogSource({ clientForRegion: fake.clientForRegion, concurrency: 0 }),
    ).toThrow(RangeError);
    expect(fake.calls).toEqual([]);
  });
});
