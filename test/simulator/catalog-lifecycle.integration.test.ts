/**
 * The catalog over time, as the plain SDK sees it over a real socket: lifecycle status and
 * dates in ListFoundationModels and GetFoundationModel, changed per region by a catalog
 * timeline, models delisted or past their end of life, and faults on the listing.
 */
import {
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelCommand,
  ListFoundationModelsCommand,
} from '@aws-sdk/client-bedrock';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_SCENARIO_PATH } from '../../src/simulator/index.ts';
import { loadScenario, parseScenario, ScenarioError } from '../../src/simulator/scenario.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import {
  bedrockClient,
  manualClock,
  rejectionOf,
  signedHeaders,
  startTestSimulator,
} from './sim-harness.ts';

const SONNET = 'anthropic.claude-3-sonnet-20240229-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';
const DAY_MS = 86_400_000;
const START_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z

const SCRIPTED = `
account: "123456789012"
catalog:
  - id: ${SONNET}
    lifecycle:
      status: ACTIVE
      startOfLifeTime: 2024-03-04T00:00:00Z
      endOfLifeTime: +90d
  - id: ${TITAN}
  - id: ${LLAMA}
    lifecycle: LEGACY
catalogTimeline:
  - model: ${SONNET}
    timeline:
      - at: 2
        status: LEGACY
        legacyTime: -1d
        publicExtendedAccessTime: +30d
        endOfLifeTime: +90d
      - { at: 4, status: LEGACY, legacyTime: -1d, publicExtendedAccessTime: +45d, endOfLifeTime: +120d }
  - model: ${SONNET}
    region: us-west-2
    timeline:
      - { at: 3, listed: false }
  - model: ${TITAN}
    region: eu-west-1
    timeline:
      - { at: 0, status: ACTIVE, endOfLifeTime: +2d }
`;

const iso = (ms: number) => new Date(ms).toISOString();

async function scripted() {
  const clock = manualClock(START_MS);
  const simulator = await startTestSimulator(SCRIPTED, clock.now);
  const list = async (region: string) => {
    const answer = await bedrockClient(simulator, region).send(new ListFoundationModelsCommand({}));
    return answer.modelSummaries ?? [];
  };
  const lifecycleOf = async (region: string, modelId: string) =>
    (await list(region)).find((summary) => summary.modelId === modelId)?.modelLifecycle;
  return { simulator, clock, list, lifecycleOf };
}

describe('lifecycle dates on the wire', () => {
  it('sends each date that is set as an ISO-8601 string, relative ones counted from the start', async () => {
    const { simulator } = await scripted();

    const response = await fetch(`${simulator.url}/foundation-models`, {
      headers: signedHeaders('us-east-1'),
    });
    const body = (await response.json()) as {
      modelSummaries: { modelId: string; modelLifecycle: unknown }[];
    };

    expect(body.modelSummaries.map((summary) => summary.modelLifecycle)).toEqual([
      {
        status: 'ACTIVE',
        startOfLifeTime: '2024-03-04T00:00:00.000Z',
        endOfLifeTime: iso(START_MS + 90 * DAY_MS),
      },
      { status: 'ACTIVE' },
      { status: 'LEGACY' },
    ]);
  });

  it('gives the SDK Dates in ListFoundationModels and GetFoundationModel alike', async () => {
    const { simulator, lifecycleOf } = await scripted();
    const client = bedrockClient(simulator, 'us-east-1');

    const listed = await lifecycleOf('us-east-1', SONNET);
    const details = await client.send(new GetFoundationModelCommand({ modelIdentifier: SONNET }));

    expect(listed?.endOfLifeTime).toEqual(new Date(START_MS + 90 * DAY_MS));
    expect(listed?.startOfLifeTime).toEqual(new Date('2024-03-04T00:00:00Z'));
    expect(details.modelDetails?.modelLifecycle).toEqual(listed);
  });
});

describe('a catalog timeline', () => {
  it('makes a model LEGACY at its step, then moves its dates', async () => {
    const { simulator, lifecycleOf } = await scripted();

    const before = await lifecycleOf('us-east-1', SONNET);
    simulator.setTick(2);
    const legacy = await lifecycleOf('us-east-1', SONNET);
    simulator.setTick(4);
    const moved = await lifecycleOf('us-east-1', SONNET);

    expect(before?.status).toBe('ACTIVE');
    expect(legacy).toEqual({
      status: 'LEGACY',
      legacyTime: new Date(START_MS - DAY_MS),
      publicExtendedAccessTime: new Date(START_MS + 30 * DAY_MS),
      endOfLifeTime: new Date(START_MS + 90 * DAY_MS),
    });
    expect(moved?.publicExtendedAccessTime).toEqual(new Date(START_MS + 45 * DAY_MS));
    expect(moved?.endOfLifeTime).toEqual(new Date(START_MS + 120 * DAY_MS));
  });

  it("applies a region's own timeline there and the one for every region elsewhere", async () => {
    const { simulator, list } = await scripted();
    simulator.setTick(3);

    const west = (await list('us-west-2')).map((summary) => summary.modelId);
    const east = await list('us-east-1');
    const titanInEurope = (await list('eu-west-1')).find((summary) => summary.modelId === TITAN);
    const titanInEast = east.find((summary) => summary.modelId === TITAN);

    expect(west).toEqual([TITAN, LLAMA]);
    expect(east.find((summary) => summary.modelId === SONNET)?.modelLifecycle?.status).toBe(
      'LEGACY',
    );
    expect(titanInEurope?.modelLifecycle?.endOfLifeTime).toEqual(new Date(START_MS + 2 * DAY_MS));
    expect(titanInEast?.modelLifecycle).toEqual({ status: 'ACTIVE' });
  });

  it('hides a delisted model from GetFoundationModel too, and leaves its availability alone', async () => {
    const { simulator } = await scripted();
    simulator.setTick(3);
    const client = bedrockClient(simulator, 'us-west-2');

    const error = await rejectionOf(
      client.send(new GetFoundationModelCommand({ modelIdentifier: SONNET })),
    );
    const availability = await client.send(
      new GetFoundationModelAvailabilityCommand({ modelId: SONNET }),
    );

    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(availability.regionAvailability).toBe('AVAILABLE');
  });

  it("drops a model from the catalog once its end of life passes on the simulator's clock", async () => {
    const { simulator, clock, list } = await scripted();
    const client = bedrockClient(simulator, 'eu-west-1');

    const before = (await list('eu-west-1')).map((summary) => summary.modelId);
    clock.advanceSeconds(2 * 86_400);
    const after = (await list('eu-west-1')).map((summary) => summary.modelId);
    const details = await rejectionOf(
      client.send(new GetFoundationModelCommand({ modelIdentifier: TITAN })),
    );

    expect(before).toContain(TITAN);
    expect(after).toEqual([SONNET, LLAMA]);
    expect(details.name).toBe('ResourceNotFoundException');
  });
});

describe('the bundled example', () => {
  it('plays the catalog story its comments tell', async () => {
    const clock = manualClock(START_MS);
    const scenario = await loadScenario(EXAMPLE_SCENARIO_PATH);
    const simulator = await startSimulator({ scenario, clock: clock.now });
    try {
      const east = bedrockClient(simulator, 'us-east-1');
      const europe = bedrockClient(simulator, 'eu-west-1');
      const sonnet = async () =>
        (await east.send(new GetFoundationModelCommand({ modelIdentifier: SONNET }))).modelDetails
          ?.modelLifecycle;
      const listedInEurope = async () =>
        (await europe.send(new ListFoundationModelsCommand({}))).modelSummaries?.map(
          (summary) => summary.modelId,
        );

      const atStart = await sonnet();
      const europeAtStart = await listedInEurope();
      simulator.setTick(6);
      const legacy = await sonnet();
      simulator.setTick(8);
      const moved = await sonnet();
      simulator.setTick(9);
      const europeLater = await listedInEurope();

      expect(atStart).toEqual({ status: 'ACTIVE' });
      expect(legacy?.status).toBe('LEGACY');
      expect(legacy?.endOfLifeTime).toEqual(new Date(START_MS + 60 * DAY_MS));
      expect(moved?.endOfLifeTime).toEqual(new Date(START_MS + 90 * DAY_MS));
      expect(europeAtStart).toContain('amazon.titan-embed-text-v2:0');
      expect(europeLater).not.toContain('amazon.titan-embed-text-v2:0');
    } finally {
      await simulator.close();
    }
  });
});

describe('faults on the listing', () => {
  const withFault = (fault: string) => `
account: "123456789012"
catalog: [{ id: ${SONNET}, lifecycle: { status: ACTIVE, endOfLifeTime: 2027-01-01T00:00:00Z } }]
faults:
  - operations: [ListFoundationModels]
    ${fault}
`;

  it('throttles and fails it like any operation', async () => {
    const throttled = await startTestSimulator(withFault('throttle: { share: 1 }'));
    const failing = await startTestSimulator(withFault('serverError: { status: 503 }'));

    const throttle = await rejectionOf(
      bedrockClient(throttled, 'us-east-1').send(new ListFoundationModelsCommand({})),
    );
    const server = await rejectionOf(
      bedrockClient(failing, 'us-east-1').send(new ListFoundationModelsCommand({})),
    );

    expect(throttle.name).toBe('ThrottlingException');
    expect(server.name).toBe('ServiceUnavailableException');
    expect(failing.stats().regions['us-east-1']?.ListFoundationModels?.errors).toEqual({
      ServiceUnavailableException: 1,
    });
  });

  it('bad-timestamp: the SDK rejects with a TypeError that carries the 200 it read', async () => {
    const simulator = await startTestSimulator(withFault('malformed: { kind: bad-timestamp }'));

    const error = await rejectionOf(
      bedrockClient(simulator, 'us-east-1').send(new ListFoundationModelsCommand({})),
    );

    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('Deserialization error');
    expect(error.$metadata.httpStatusCode).toBe(200);
  });

  it('unknown-enum and missing-fields: the SDK passes them through', async () => {
    const unknown = await startTestSimulator(withFault('malformed: { kind: unknown-enum }'));
    const missing = await startTestSimulator(withFault('malformed: { kind: missing-fields }'));

    const withUnknown = await bedrockClient(unknown, 'us-east-1').send(
      new ListFoundationModelsCommand({}),
    );
    const withMissing = await bedrockClient(missing, 'us-east-1').send(
      new ListFoundationModelsCommand({}),
    );

    expect(withUnknown.modelSummaries?.[0]?.modelLifecycle).toEqual({ status: 'RETIRED' });
    expect(withMissing.modelSummaries).toEqual([{ modelId: SONNET }]);
  });
});

describe('catalog timelines in the scenario file', () => {
  function problemsOf(text: string): string[] {
    try {
      parseScenario(text, 'bad.yml');
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      return (error as ScenarioError).message.split('\n').slice(1);
    }
    throw new Error('expected the scenario to be refused');
  }

  it('refuses bad dates, lifecycles of delisted models, entries without a status', () => {
    expect(
      problemsOf(`
account: "123456789012"
catalog:
  - id: ${SONNET}
    lifecycle: { status: ACTIVE, endOfLifeTime: next year }
catalogTimeline:
  - model: ${SONNET}
    timeline:
      - { at: 1, listed: false, status: LEGACY }
      - { at: 2, endOfLifeTime: +3d }
`),
    ).toEqual([
      'bad.yml:5:49: catalog[0].lifecycle.endOfLifeTime: "next year" is no date; write an ISO-8601 date such as 2026-03-01T00:00:00Z, or a distance from the start such as +30d, -2h',
      'bad.yml:9:9: catalogTimeline[0].timeline[0]: a model that is not listed has no lifecycle; remove status',
      'bad.yml:10:9: catalogTimeline[0].timeline[1]: give the lifecycle in force from here on: status (ACTIVE or LEGACY) and its dates, or listed: false',
    ]);
  });

  it('refuses a second timeline for the same model and region, and models nobody defined', () => {
    expect(
      problemsOf(`
account: "123456789012"
catalog: [{ id: ${SONNET} }]
catalogTimeline:
  - { model: ${SONNET}, region: us-east-1, timeline: [{ at: 1, listed: false }] }
  - { model: ${SONNET}, region: us-east-1, timeline: [{ at: 2, listed: false }] }
  - { model: ${TITAN}, timeline: [{ at: 1, status: LEGACY }] }
`),
    ).toEqual([
      `bad.yml:6:5: catalogTimeline[1]: ${SONNET} in us-east-1 already has a catalog timeline; merge the two`,
      `bad.yml:7:14: catalogTimeline[2].model: ${TITAN} is neither in the catalog nor in grants`,
    ]);
  });

  it('refuses bad-timestamp on operations whose answers have no timestamp', () => {
    expect(
      problemsOf(`
account: "123456789012"
faults:
  - malformed: { kind: bad-timestamp }
`),
    ).toEqual([
      'bad.yml:4:24: faults[0].malformed.kind: bad-timestamp needs operations limited to ListFoundationModels and GetFoundationModel, the answers with timestamps',
    ]);
  });
});
