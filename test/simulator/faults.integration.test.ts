import {
  type BedrockClient,
  GetFoundationModelAvailabilityCommand,
  ListFoundationModelsCommand,
} from '@aws-sdk/client-bedrock';
import { describe, expect, it } from 'vitest';
import type { SimulatorStats } from '../../src/simulator/stats.ts';
import { bedrockClient, manualClock, rejectionOf, startTestSimulator } from './sim-harness.ts';

const SONNET = 'anthropic.claude-3-sonnet-20240229-v1:0';
const TITAN = 'amazon.titan-text-express-v1';

function scenarioWithFaults(faults: string): string {
  return `
account: "123456789012"
catalog: [{ id: ${SONNET} }, { id: ${TITAN} }]
faults:
${faults}`;
}

/** Asks `count` times in a row; 'ok' or the error name per call. */
async function askRepeatedly(
  client: BedrockClient,
  count: number,
  modelId = SONNET,
): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < count; i++) {
    try {
      await client.send(new GetFoundationModelAvailabilityCommand({ modelId }));
      outcomes.push('ok');
    } catch (error) {
      outcomes.push((error as Error).name);
    }
  }
  return outcomes;
}

describe('throttling', () => {
  it('spreads share 0.5 evenly: every second request is throttled', async () => {
    const simulator = await startTestSimulator(scenarioWithFaults('  - throttle: { share: 0.5 }'));
    const client = bedrockClient(simulator, 'us-east-1');

    const outcomes = await askRepeatedly(client, 6);

    expect(outcomes).toEqual([
      'ok',
      'ThrottlingException',
      'ok',
      'ThrottlingException',
      'ok',
      'ThrottlingException',
    ]);
  });

  it('lets the SDK retry through share 0.5 throttling', async () => {
    const simulator = await startTestSimulator(scenarioWithFaults('  - throttle: { share: 0.5 }'));
    const client = bedrockClient(simulator, 'us-east-1', { maxAttempts: 2 });
    await client.send(new GetFoundationModelAvailabilityCommand({ modelId: SONNET }));

    const retried = await client.send(
      new GetFoundationModelAvailabilityCommand({ modelId: SONNET }),
    );

    expect(retried.$metadata.attempts).toBe(2);
    expect(simulator.stats().total).toMatchObject({ requests: 3, successes: 2, throttled: 1 });
  });

  it('arrives as the SDK ThrottlingException with its message and status', async () => {
    const simulator = await startTestSimulator(scenarioWithFaults('  - throttle: {}'));
    const client = bedrockClient(simulator, 'us-east-1');

    const error = await rejectionOf(client.send(new ListFoundationModelsCommand({})));

    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Too many requests, please wait before trying again.');
    expect(error.$metadata.httpStatusCode).toBe(429);
  });

  it('throttles beyond the token bucket of the region and refills it over time', async () => {
    const clock = manualClock();
    const simulator = await startTestSimulator(
      scenarioWithFaults('  - throttle: { ratePerSecond: 2, burst: 3 }'),
      clock.now,
    );
    const east = bedrockClient(simulator, 'us-east-1');
    const west = bedrockClient(simulator, 'us-west-2');

    const burst = await askRepeatedly(east, 4);
    const otherRegion = await askRepeatedly(west, 1);
    clock.advanceSeconds(1);
    const afterOneSecond = await askRepeatedly(east, 3);

    expect(burst).toEqual(['ok', 'ok', 'ok', 'ThrottlingException']);
    expect(otherRegion).toEqual(['ok']);
    expect(afterOneSecond).toEqual(['ok', 'ok', 'ThrottlingException']);
    expect(simulator.stats().regions['us-east-1']?.GetFoundationModelAvailability?.throttled).toBe(
      2,
    );
  });

  it('keeps a token bucket per account and region: one account at its rate leaves another its own', async () => {
    const clock = manualClock();
    const simulator = await startTestSimulator(
      scenarioWithFaults('  - throttle: { ratePerSecond: 2, burst: 3 }'),
      clock.now,
    );
    // Keys AssumeRole would issue: the 12 digits after ASIA name the member account.
    const memberKey = (account: string) => ({
      accessKeyId: `ASIA${account}AAAA`,
      secretAccessKey: 'not-a-secret',
      sessionToken: 'session',
    });
    const first = bedrockClient(simulator, 'us-east-1', {
      credentials: memberKey('111111111111'),
    });
    const second = bedrockClient(simulator, 'us-east-1', {
      credentials: memberKey('222222222222'),
    });
    const own = bedrockClient(simulator, 'us-east-1');

    const firstAccount = await askRepeatedly(first, 4);
    const secondAccount = await askRepeatedly(second, 4);
    const ownAccount = await askRepeatedly(own, 4);

    expect(firstAccount).toEqual(['ok', 'ok', 'ok', 'ThrottlingException']);
    expect(secondAccount).toEqual(['ok', 'ok', 'ok', 'ThrottlingException']);
    expect(ownAccount).toEqual(['ok', 'ok', 'ok', 'ThrottlingException']);
  });
});

describe('other faults', () => {
  it('denies access with AccessDeniedException naming the caller and the action', async () => {
    const simulator = await startTestSimulator(
      scenarioWithFaults('  - accessDenied: { share: 1 }'),
    );
    const client = bedrockClient(simulator, 'us-east-1');

    const error = await rejectionOf(
      client.send(new GetFoundationModelAvailabilityCommand({ modelId: SONNET })),
    );

    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/BedrockAccessMonitor/simulator is not authorized to perform: bedrock:GetFoundationModelAvailability because no identity-based policy allows the bedrock:GetFoundationModelAvailability action',
    );
  });

  it('fails with InternalServerException (500), or an unmodelled 503 ServiceUnavailableException', async () => {
    const simulator = await startTestSimulator(
      scenarioWithFaults(`
  - region: us-east-1
    serverError: { share: 1 }
  - region: us-west-2
    serverError: { share: 1, status: 503 }`),
    );

    const internal = await rejectionOf(
      bedrockClient(simulator, 'us-east-1').send(
        new GetFoundationModelAvailabilityCommand({ modelId: SONNET }),
      ),
    );
    const unavailable = await rejectionOf(
      bedrockClient(simulator, 'us-west-2').send(
        new GetFoundationModelAvailabilityCommand({ modelId: SONNET }),
      ),
    );

    expect(internal.name).toBe('InternalServerException');
    expect(internal.message).toBe('An internal server error occurred. Retry your request.');
    expect(internal.$metadata.httpStatusCode).toBe(500);
    expect(internal.$fault).toBe('server');
    // Not in the Bedrock model: the SDK builds a generic BedrockServiceException with this name.
    expect(unavailable.name).toBe('ServiceUnavailableException');
    expect(unavailable.$metadata.httpStatusCode).toBe(503);
    expect(unavailable.$fault).toBe('server');
  });

  it('delays matching answers by latencyMs, and only those', async () => {
    const simulator = await startTestSimulator(
      scenarioWithFaults(`
  - models: [${TITAN}]
    latencyMs: 300`),
    );
    const client = bedrockClient(simulator, 'us-east-1');
    const timed = async (modelId: string) => {
      const started = performance.now();
      await client.send(new GetFoundationModelAvailabilityCommand({ modelId }));
      return performance.now() - started;
    };

    const slow = await timed(TITAN);
    const fast = await timed(SONNET);

    expect(slow).toBeGreaterThanOrEqual(290);
    expect(fast).toBeLessThan(200);
  });

  it('applies a fault only inside its tick window, region, models and operations', async () => {
    const simulator = await startTestSimulator(
      scenarioWithFaults(`
  - region: us-east-1
    models: [${TITAN}]
    operations: [GetFoundationModelAvailability]
    from: 1
    until: 3
    serverError: {}`),
    );
    const east = bedrockClient(simulator, 'us-east-1');
    const west = bedrockClient(simulator, 'us-west-2');

    const beforeWindow = await askRepeatedly(east, 1, TITAN);
    simulator.setTick(1);
    const inWindow = await askRepeatedly(east, 1, TITAN);
    const otherModel = await askRepeatedly(east, 1, SONNET);
    const otherRegion = await askRepeatedly(west, 1, TITAN);
    const list = await east.send(new ListFoundationModelsCommand({}));
    simulator.setTick(3);
    const afterWindow = await askRepeatedly(east, 1, TITAN);

    expect(beforeWindow).toEqual(['ok']);
    expect(inWindow).toEqual(['InternalServerException']);
    expect(otherModel).toEqual(['ok']);
    expect(otherRegion).toEqual(['ok']);
    expect(list.modelSummaries).toHaveLength(2);
    expect(afterWindow).toEqual(['ok']);
  });

  it('applies a fault only inside its window in seconds', async () => {
    const clock = manualClock();
    const simulator = await startTestSimulator(
      scenarioWithFaults('  - { fromSeconds: 10, untilSeconds: 20, accessDenied: {} }'),
      clock.now,
    );
    const client = bedrockClient(simulator, 'us-east-1');

    const atStart = await askRepeatedly(client, 1);
    clock.advanceSeconds(10);
    const atTen = await askRepeatedly(client, 1);
    clock.advanceSeconds(10);
    const atTwenty = await askRepeatedly(client, 1);

    expect([...atStart, ...atTen, ...atTwenty]).toEqual(['ok', 'AccessDeniedException', 'ok']);
  });

  it('lets each fault kind count only the requests that reached it', async () => {
    const simulator = await startTestSimulator(
      scenarioWithFaults('  - { throttle: { share: 0.5 }, serverError: { share: 0.5 } }'),
    );
    const client = bedrockClient(simulator, 'us-east-1');

    const outcomes = await askRepeatedly(client, 8);

    expect(outcomes).toEqual([
      'ok',
      'ThrottlingException',
      'InternalServerException',
      'ThrottlingException',
      'ok',
      'ThrottlingException',
      'InternalServerException',
      'ThrottlingException',
    ]);
  });
});

describe('stats', () => {
  it('counts requests, successes, throttles and errors per region and operation', async () => {
    const simulator = await startTestSimulator(
      scenarioWithFaults(`
  - region: us-east-1
    throttle: { share: 0.5 }`),
    );
    const east = bedrockClient(simulator, 'us-east-1');
    const west = bedrockClient(simulator, 'us-west-2');

    await askRepeatedly(east, 4);
    await askRepeatedly(west, 1, 'acme.nonexistent-v1');
    await west.send(new ListFoundationModelsCommand({}));
    const stats = simulator.stats();

    expect(stats.total).toEqual({
      requests: 6,
      successes: 3,
      malformed: 0,
      throttled: 2,
      errors: { ThrottlingException: 2, ResourceNotFoundException: 1 },
    });
    expect(stats.regions).toEqual({
      'us-east-1': {
        GetFoundationModelAvailability: {
          requests: 4,
          successes: 2,
          malformed: 0,
          throttled: 2,
          errors: { ThrottlingException: 2 },
        },
      },
      'us-west-2': {
        GetFoundationModelAvailability: {
          requests: 1,
          successes: 0,
          malformed: 0,
          throttled: 0,
          errors: { ResourceNotFoundException: 1 },
        },
        ListFoundationModels: { requests: 1, successes: 1, malformed: 0, throttled: 0, errors: {} },
      },
    });
  });

  it('serves the stats over HTTP and resets them', async () => {
    const simulator = await startTestSimulator(scenarioWithFaults('  - latencyMs: 1'));
    await askRepeatedly(bedrockClient(simulator, 'us-east-1'), 2);

    const served = (await (
      await fetch(`${simulator.url}/_simulator/stats`)
    ).json()) as SimulatorStats;
    const reset = await fetch(`${simulator.url}/_simulator/stats/reset`, { method: 'POST' });

    expect(served.total).toMatchObject({ requests: 2, successes: 2 });
    expect(served.regions['us-east-1']?.GetFoundationModelAvailability?.requests).toBe(2);
    expect(reset.status).toBe(200);
    expect(simulator.stats().total.requests).toBe(0);
  });
});
