import {
  type BedrockClient,
  GetFoundationModelAvailabilityCommand,
  ListFoundationModelsCommand,
} from '@aws-sdk/client-bedrock';
import { describe, expect, it, onTestFinished } from 'vitest';
import { EXAMPLE_SCENARIO_PATH } from '../../src/simulator/index.ts';
import { loadScenario } from '../../src/simulator/scenario.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import type { SimTime } from '../../src/simulator/timeline.ts';
import { bedrockClient, manualClock, rejectionOf, startTestSimulator } from './sim-harness.ts';

const SONNET = 'anthropic.claude-3-sonnet-20240229-v1:0';

/** The agreement status, or the error name when Bedrock answered with one. */
async function agreementOf(client: BedrockClient): Promise<string | undefined> {
  try {
    const answer = await client.send(
      new GetFoundationModelAvailabilityCommand({ modelId: SONNET }),
    );
    return answer.agreementAvailability?.status;
  } catch (error) {
    return (error as Error).name;
  }
}

const TICK_TIMELINE = `
account: "123456789012"
catalog: [{ id: ${SONNET} }]
grants:
  - region: us-east-1
    model: ${SONNET}
    timeline:
      - { at: 0, state: NOT_ENABLED }
      - { at: 3, state: IN_PROGRESS }
      - { at: 6, state: ENABLED }
      - { at: 9, raw: { agreement: ERROR, agreementError: Payment instrument declined } }
      - { at: 11, notFound: true, message: This model version has reached the end of its life. }
`;

describe('timelines', () => {
  it('follows the entry in force as ticks advance', async () => {
    const simulator = await startTestSimulator(TICK_TIMELINE);
    const client = bedrockClient(simulator, 'us-east-1');
    const seen: (string | undefined)[] = [];

    for (let tick = 0; tick <= 11; tick++) {
      if (tick > 0) simulator.tick();
      seen.push(await agreementOf(client));
    }

    expect(seen).toEqual([
      ...Array(3).fill('NOT_AVAILABLE'),
      ...Array(3).fill('PENDING'),
      ...Array(3).fill('AVAILABLE'),
      'ERROR',
      'ERROR',
      'ResourceNotFoundException',
    ]);
  });

  it('answers a scripted notFound with its message and hides the model from the list', async () => {
    const simulator = await startTestSimulator(TICK_TIMELINE);
    const client = bedrockClient(simulator, 'us-east-1');
    simulator.setTick(11);

    const error = await rejectionOf(
      client.send(new GetFoundationModelAvailabilityCommand({ modelId: SONNET })),
    );
    const list = await client.send(new ListFoundationModelsCommand({}));

    expect(error.message).toBe('This model version has reached the end of its life.');
    expect(list.modelSummaries).toEqual([]);
  });

  it('uses the scenario default before the first entry is reached', async () => {
    const simulator = await startTestSimulator(`
account: "123456789012"
default: NOT_ENABLED
grants:
  - region: us-east-1
    model: ${SONNET}
    timeline: [{ at: 2, state: ENABLED }]
`);
    const client = bedrockClient(simulator, 'us-east-1');

    const before = await agreementOf(client);
    simulator.setTick(2);
    const after = await agreementOf(client);

    expect([before, after]).toEqual(['NOT_AVAILABLE', 'AVAILABLE']);
  });

  it('follows afterSeconds entries by the injected clock', async () => {
    const clock = manualClock();
    const simulator = await startTestSimulator(
      `
account: "123456789012"
grants:
  - region: eu-west-1
    model: ${SONNET}
    timeline:
      - { afterSeconds: 0, state: IN_PROGRESS }
      - { afterSeconds: 12, state: ENABLED }
`,
      clock.now,
    );
    const client = bedrockClient(simulator, 'eu-west-1');

    const atStart = await agreementOf(client);
    clock.advanceSeconds(11.9);
    const justBefore = await agreementOf(client);
    clock.advanceSeconds(0.1);
    const atTwelve = await agreementOf(client);

    expect([atStart, justBefore, atTwelve]).toEqual(['PENDING', 'PENDING', 'AVAILABLE']);
  });

  it('advances ticks over HTTP at POST /_simulator/tick', async () => {
    const simulator = await startTestSimulator(TICK_TIMELINE);
    const client = bedrockClient(simulator, 'us-east-1');

    const stepped = (await (
      await fetch(`${simulator.url}/_simulator/tick`, { method: 'POST' })
    ).json()) as SimTime;
    const jumped = (await (
      await fetch(`${simulator.url}/_simulator/tick?to=6`, { method: 'POST' })
    ).json()) as SimTime;
    const agreement = await agreementOf(client);
    const refused = await fetch(`${simulator.url}/_simulator/tick?to=-1`, { method: 'POST' });

    expect(stepped.tick).toBe(1);
    expect(jumped.tick).toBe(6);
    expect(agreement).toBe('AVAILABLE');
    expect(refused.status).toBe(400);
    expect(simulator.stats().tick).toBe(6);
  });
});

describe('the bundled example scenario', () => {
  it('plays the grant story its comments tell, tick by tick', async () => {
    const simulator = await startSimulator({ scenario: await loadScenario(EXAMPLE_SCENARIO_PATH) });
    onTestFinished(() => simulator.close());
    const east = bedrockClient(simulator, 'us-east-1');
    const ireland = bedrockClient(simulator, 'eu-west-1');
    const seen: (string | undefined)[] = [];

    for (const tick of [0, 2, 4, 7, 10]) {
      simulator.setTick(tick);
      seen.push(await agreementOf(east));
    }
    const inIreland = await ireland.send(
      new GetFoundationModelAvailabilityCommand({ modelId: SONNET }),
    );

    expect(seen).toEqual([
      'NOT_AVAILABLE',
      'PENDING',
      'AVAILABLE',
      'ERROR',
      'ResourceNotFoundException',
    ]);
    expect(inIreland.regionAvailability).toBe('NOT_AVAILABLE');
  });
});
