import { GetFoundationModelAvailabilityCommand } from '@aws-sdk/client-bedrock';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/simulator/scenario.ts';
import { startSimulator } from '../../src/simulator/server.ts';
import { bedrockClient, rejectionOf, runtimeClient, startTestSimulator } from './sim-harness.ts';

const SONNET = 'anthropic.claude-3-sonnet-20240229-v1:0';

describe('the server', () => {
  it('listens on 127.0.0.1 with a free port by default', async () => {
    const simulator = await startTestSimulator('account: "123456789012"');

    expect(simulator.url).toBe(`http://127.0.0.1:${simulator.port}`);
    expect(simulator.port).toBeGreaterThan(0);
  });

  it('closes promptly despite keep-alive sockets and answers still waiting out their latency', async () => {
    const scenario = parseScenario(
      `account: "123456789012"\nfaults: [{ latencyMs: 10000 }]`,
      'slow.yml',
    );
    const simulator = await startSimulator({ scenario });
    const client = bedrockClient(simulator, 'us-east-1');
    const pending = rejectionOf(
      client.send(new GetFoundationModelAvailabilityCommand({ modelId: SONNET })),
    );
    await waitFor(() => simulator.stats().total.requests === 1);

    const started = performance.now();
    await simulator.close();
    const error = await pending;

    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.$metadata.httpStatusCode).toBeUndefined();
  });

  it('closes promptly with an HTTP/2 Converse still waiting out its latency', async () => {
    const scenario = parseScenario(
      `account: "123456789012"\nfaults: [{ operations: [Converse], latencyMs: 10000 }]`,
      'slow-runtime.yml',
    );
    const simulator = await startSimulator({ scenario });
    const client = runtimeClient(simulator, 'us-east-1');
    const pending = rejectionOf(
      client.send(
        new ConverseCommand({
          modelId: 'amazon.titan-text-express-v1',
          messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
        }),
      ),
    );
    await waitFor(() => simulator.stats().total.requests === 1);

    const started = performance.now();
    await simulator.close();
    const error = await pending;

    expect(performance.now() - started).toBeLessThan(1000);
    expect(error.$metadata.httpStatusCode).toBeUndefined();
  });

  it('refuses a Bearer token, which names no region, with 403 IncompleteSignatureException', async () => {
    const simulator = await startTestSimulator('account: "123456789012"');

    const response = await fetch(`${simulator.url}/foundation-models`, {
      headers: { authorization: 'Bearer ABSKexampletoken' },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
    expect(((await response.json()) as { message: string }).message).toContain(
      'AWS_BEARER_TOKEN_BEDROCK',
    );
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (!condition()) throw new Error('condition not met in time');
}
