import { GetFoundationModelAvailabilityCommand } from '@aws-sdk/client-bedrock';
import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import { INVOKE_PRESETS } from '../../src/simulator/invoke-outcomes.ts';
import {
  bedrockClient,
  rejectionOf,
  runtimeClient,
  startTestSimulator,
  withoutMetadata,
} from './sim-harness.ts';

const SONNET = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const SONNET_PROFILE = `us.${SONNET}`;
const TITAN = 'amazon.titan-text-express-v1';
const CALLER = 'arn:aws:sts::123456789012:assumed-role/Verifier/probe';

/** The probe the monitor sends: one short user message, at most one token back. */
function probe(modelId: string, overrides: Partial<ConverseCommandInput> = {}): ConverseCommand {
  return new ConverseCommand({
    modelId,
    messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
    inferenceConfig: { maxTokens: 1 },
    ...overrides,
  });
}

/** 'ok' or `ErrorName status: message`, for comparing a call's outcome in one line. */
async function outcomeOf(client: BedrockRuntimeClient, command: ConverseCommand): Promise<string> {
  try {
    await client.send(command);
    return 'ok';
  } catch (error) {
    const { name, message, $metadata } = error as Error & {
      $metadata: { httpStatusCode?: number };
    };
    return `${name} ${$metadata.httpStatusCode}: ${message}`;
  }
}

function scenarioWith(grants: string, extra = ''): string {
  return `
account: "123456789012"
callerArn: ${CALLER}
catalog: [{ id: ${SONNET} }, { id: ${TITAN} }]
${extra}
grants: ${grants}`;
}

describe('Converse over HTTP/2', () => {
  it('answers the plain BedrockRuntimeClient with a one-token assistant reply', async () => {
    const simulator = await startTestSimulator(scenarioWith('[]'));
    const client = runtimeClient(simulator, 'us-east-1');

    const answer = await client.send(probe(SONNET));

    expect(withoutMetadata(answer)).toEqual({
      output: { message: { role: 'assistant', content: [{ text: 'Hello' }] } },
      stopReason: 'max_tokens',
      usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      metrics: { latencyMs: 0 },
    });
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(simulator.stats().regions['us-east-1']?.Converse).toMatchObject({
      requests: 1,
      successes: 1,
    });
  });

  it('serves the runtime and the control plane on one URL, over both protocols', async () => {
    const simulator = await startTestSimulator(scenarioWith('[]'));
    const runtime = runtimeClient(simulator, 'us-east-1');
    const control = bedrockClient(simulator, 'us-east-1');

    const [reply, availability] = await Promise.all([
      runtime.send(probe(SONNET)),
      control.send(new GetFoundationModelAvailabilityCommand({ modelId: SONNET })),
    ]);
    const again = await runtime.send(probe(SONNET));

    expect(simulator.endpointEnv).toEqual({
      AWS_ENDPOINT_URL_BEDROCK: simulator.url,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: simulator.url,
      AWS_ENDPOINT_URL_STS: simulator.url,
      AWS_ENDPOINT_URL_ORGANIZATIONS: simulator.url,
    });
    expect(reply.stopReason).toBe('max_tokens');
    expect(again.stopReason).toBe('max_tokens');
    expect(availability.agreementAvailability?.status).toBe('AVAILABLE');
  });

  it('ends the turn when maxTokens leaves room for the whole reply', async () => {
    const simulator = await startTestSimulator(scenarioWith('[]'));
    const client = runtimeClient(simulator, 'us-east-1');

    const answer = await client.send(probe(TITAN, { inferenceConfig: { maxTokens: 100 } }));

    expect(answer.output?.message?.content).toEqual([{ text: 'Hello! How can I help you today?' }]);
    expect(answer.stopReason).toBe('end_turn');
    expect(answer.usage?.outputTokens).toBe(9);
  });

  it.each([
    ['an inference profile id', SONNET_PROFILE],
    ['a foundation-model ARN', `arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`],
    [
      'an inference-profile ARN',
      `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${SONNET_PROFILE}`,
    ],
  ])('accepts %s in the path', async (_label, modelId) => {
    const simulator = await startTestSimulator(scenarioWith('[]'));
    const client = runtimeClient(simulator, 'us-east-1');

    expect(await outcomeOf(client, probe(modelId))).toBe('ok');
  });

  it.each([
    [
      'no messages',
      { messages: undefined },
      "ValidationException 400: 1 validation error detected: Value null at 'messages' failed to satisfy constraint: Member must not be null",
    ],
    [
      'maxTokens 0',
      { inferenceConfig: { maxTokens: 0 } },
      "ValidationException 400: 1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      'an assistant message first',
      { messages: [{ role: 'assistant' as const, content: [{ text: 'Hi' }] }] },
      'ValidationException 400: A conversation must start with a user message. Try again with a conversation that starts with a user message.',
    ],
    [
      'a message without content',
      { messages: [{ role: 'user' as const, content: [] }] },
      'ValidationException 400: The content field in the Message object at messages.0 is empty. Add a ContentBlock object to the content field and try again.',
    ],
  ])('refuses a request with %s', async (_label, overrides, expected) => {
    const simulator = await startTestSimulator(scenarioWith('[]'));
    const client = runtimeClient(simulator, 'us-east-1');

    expect(await outcomeOf(client, probe(SONNET, overrides))).toBe(expected);
  });

  it('refuses a model id that is not one with ValidationException', async () => {
    const simulator = await startTestSimulator(scenarioWith('[]'));
    const client = runtimeClient(simulator, 'us-east-1');

    const outcome = await outcomeOf(client, probe('not a model!'));

    expect(outcome).toMatch(
      /^ValidationException 400: 1 validation error detected: Value 'not a model!' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern: /,
    );
  });
});

/** Every preset, with the error a user of the real service sees: name, status, exact text. */
const PRESETS: [preset: string, name: string, status: number, message: string][] = [
  [
    'iam-policy',
    'AccessDeniedException',
    403,
    `User: ${CALLER} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-west-2::foundation-model/${SONNET} because no identity-based policy allows the bedrock:InvokeModel action`,
  ],
  [
    'scp-deny',
    'AccessDeniedException',
    403,
    `User: ${CALLER} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-west-2::foundation-model/${SONNET} with an explicit deny in a service control policy: arn:aws:organizations::123456789012:policy/o-exampleorgid/service_control_policy/p-examplepolicyid`,
  ],
  [
    'marketplace-permissions',
    'AccessDeniedException',
    403,
    'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model. Refer to the Amazon Bedrock documentation for further details. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 15 minutes.',
  ],
  [
    'subscription-processing',
    'AccessDeniedException',
    403,
    'Your account is not authorized to access this model. Your AWS Marketplace subscription for this model is still being processed.',
  ],
  [
    'use-case-form',
    'ResourceNotFoundException',
    404,
    'Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model. If you have already filled out the form, try again in 15 minutes.',
  ],
  [
    'legacy-model',
    'ResourceNotFoundException',
    404,
    'Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock',
  ],
  [
    'end-of-life',
    'ResourceNotFoundException',
    404,
    'This model version has reached the end of its life. Please refer to the AWS documentation for more details.',
  ],
  [
    'needs-inference-profile',
    'ValidationException',
    400,
    `Invocation of model ID ${SONNET} with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
  ],
  ['invalid-model-id', 'ValidationException', 400, 'The provided model identifier is invalid.'],
  [
    'account-not-allowed',
    'AccessDeniedException',
    403,
    'Your account is not authorized to access this model.',
  ],
  [
    'model-access-denied',
    'AccessDeniedException',
    403,
    "You don't have access to the model with the specified model ID.",
  ],
];

describe('scripted Converse errors', () => {
  it('has a test row for every preset', () => {
    expect(PRESETS.map(([preset]) => preset).sort()).toEqual([...INVOKE_PRESETS].sort());
  });

  it.each(PRESETS)(
    'delivers preset %s as the SDK %s (%i) with its real message',
    async (preset, name, status, message) => {
      const simulator = await startTestSimulator(
        scenarioWith(`
  - region: us-west-2
    model: ${SONNET}
    invoke: [{ at: 0, error: ${preset} }]`),
      );
      const client = runtimeClient(simulator, 'us-west-2');

      const error = await rejectionOf(client.send(probe(SONNET)));

      expect(error.name).toBe(name);
      expect(error.$metadata.httpStatusCode).toBe(status);
      expect(error.message).toBe(message);
    },
  );

  it('names the inference profile ARN in IAM messages when the caller used a profile', async () => {
    const simulator = await startTestSimulator(
      scenarioWith(`
  - region: us-east-1
    model: ${SONNET_PROFILE}
    invoke: [{ at: 0, error: iam-policy }]`),
    );
    const client = runtimeClient(simulator, 'us-east-1');

    const viaProfile = await outcomeOf(client, probe(SONNET_PROFILE));
    const viaModelId = await outcomeOf(client, probe(SONNET));

    expect(viaProfile).toBe(
      `AccessDeniedException 403: User: ${CALLER} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1:123456789012:inference-profile/${SONNET_PROFILE} because no identity-based policy allows the bedrock:InvokeModel action`,
    );
    expect(viaModelId).toBe('ok');
  });

  it.each([
    ['AccessDeniedException', 403],
    ['ResourceNotFoundException', 404],
    ['ValidationException', 400],
    ['ThrottlingException', 429],
    ['ModelNotReadyException', 429],
    ['ModelTimeoutException', 408],
    ['ModelErrorException', 424],
    ['ServiceUnavailableException', 503],
    ['InternalServerException', 500],
  ])('delivers a scripted %s with status %i and the scenario message', async (name, status) => {
    const simulator = await startTestSimulator(
      scenarioWith(`
  - region: us-east-1
    model: ${TITAN}
    invoke: [{ at: 0, error: ${name}, message: "Scripted ${name}" }]`),
    );
    const client = runtimeClient(simulator, 'us-east-1');

    const error = await rejectionOf(client.send(probe(TITAN)));

    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      name,
      status,
      `Scripted ${name}`,
    ]);
  });

  it('follows the invoke timeline over ticks, and hands back to the grant with result: grant', async () => {
    const simulator = await startTestSimulator(
      scenarioWith(`
  - region: us-east-1
    model: ${SONNET}
    timeline: [{ at: 0, state: IN_PROGRESS }]
    invoke:
      - { at: 1, error: use-case-form }
      - { at: 2, error: ModelNotReadyException }
      - { at: 3, result: ok }
      - { at: 4, result: grant }`),
    );
    const client = runtimeClient(simulator, 'us-east-1');
    const seen: string[] = [];

    for (let tick = 0; tick <= 4; tick++) {
      simulator.setTick(tick);
      seen.push((await outcomeOf(client, probe(SONNET))).split(':')[0] ?? '');
    }

    expect(seen).toEqual([
      'AccessDeniedException 403',
      'ResourceNotFoundException 404',
      'ModelNotReadyException 429',
      'ok',
      'AccessDeniedException 403',
    ]);
  });
});

describe('Converse without an invoke timeline', () => {
  it('follows the grant of the model in the region', async () => {
    const simulator = await startTestSimulator(
      scenarioWith(`
  - region: us-east-1
    model: ${SONNET}
    timeline:
      - { at: 0, state: NOT_ENABLED }
      - { at: 1, state: IN_PROGRESS }
      - { at: 2, state: ENABLED }
      - { at: 3, state: FAILED }
      - { at: 4, state: NOT_AUTHORIZED }
      - { at: 5, state: NOT_OFFERED }
      - { at: 6, notFound: true, message: This model version has reached the end of its life. }
      - { at: 7, notFound: true }`),
    );
    const client = runtimeClient(simulator, 'us-east-1');
    const seen: string[] = [];

    for (let tick = 0; tick <= 7; tick++) {
      simulator.setTick(tick);
      seen.push(await outcomeOf(client, probe(SONNET_PROFILE)));
    }

    expect(seen).toEqual([
      "AccessDeniedException 403: You don't have access to the model with the specified model ID.",
      'AccessDeniedException 403: Your account is not authorized to access this model. Your AWS Marketplace subscription for this model is still being processed.',
      'ok',
      expect.stringMatching(
        /^AccessDeniedException 403: Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions/,
      ),
      'AccessDeniedException 403: Your account is not authorized to access this model.',
      'ValidationException 400: The provided model identifier is invalid.',
      'ResourceNotFoundException 404: This model version has reached the end of its life.',
      'ValidationException 400: The provided model identifier is invalid.',
    ]);
  });

  it('answers a model it does not know as an invalid model identifier', async () => {
    const simulator = await startTestSimulator(scenarioWith('[]'));
    const client = runtimeClient(simulator, 'us-east-1');

    expect(await outcomeOf(client, probe('cohere.command-r-v1:0'))).toBe(
      'ValidationException 400: The provided model identifier is invalid.',
    );
  });

  it('blocks Anthropic models, and only those, until the use-case form is on file', async () => {
    const simulator = await startTestSimulator(scenarioWith('[]', 'useCaseFormSubmitted: false'));
    const client = runtimeClient(simulator, 'us-east-1');

    const anthropic = await outcomeOf(client, probe(SONNET_PROFILE));
    const amazon = await outcomeOf(client, probe(TITAN));

    expect(anthropic).toMatch(
      /^ResourceNotFoundException 404: Model use case details have not been submitted/,
    );
    expect(amazon).toBe('ok');
  });

  it('asks for an inference profile when the model has no on-demand throughput', async () => {
    const simulator = await startTestSimulator(`
account: "123456789012"
catalog: [{ id: ${SONNET}, inferenceTypesSupported: [PROVISIONED] }]`);
    const client = runtimeClient(simulator, 'us-east-1');

    const byModelId = await outcomeOf(client, probe(SONNET));
    const byProfile = await outcomeOf(client, probe(SONNET_PROFILE));

    expect(byModelId).toBe(
      `ValidationException 400: Invocation of model ID ${SONNET} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
    );
    expect(byProfile).toBe('ok');
  });
});

describe('faults on Converse', () => {
  it('throttles Converse alone when the fault names it', async () => {
    const simulator = await startTestSimulator(
      scenarioWith('[]', 'faults: [{ operations: [Converse], throttle: {} }]'),
    );
    const runtime = runtimeClient(simulator, 'us-east-1');
    const control = bedrockClient(simulator, 'us-east-1');

    const error = await rejectionOf(runtime.send(probe(SONNET)));
    const availability = await control.send(
      new GetFoundationModelAvailabilityCommand({ modelId: SONNET }),
    );

    expect(error.name).toBe('ThrottlingException');
    expect(error.$metadata.httpStatusCode).toBe(429);
    expect(error.message).toBe('Too many requests, please wait before trying again.');
    expect(availability.$metadata.httpStatusCode).toBe(200);
    expect(simulator.stats().regions['us-east-1']?.Converse?.throttled).toBe(1);
  });

  it('lets the SDK retry a Converse through share 0.5 throttling', async () => {
    const simulator = await startTestSimulator(
      scenarioWith('[]', 'faults: [{ operations: [Converse], throttle: { share: 0.5 } }]'),
    );
    const client = runtimeClient(simulator, 'us-east-1', { maxAttempts: 3 });
    await client.send(probe(SONNET));

    const retried = await client.send(probe(SONNET));

    expect(retried.$metadata.attempts).toBe(2);
    expect(simulator.stats().regions['us-east-1']?.Converse).toMatchObject({
      requests: 3,
      successes: 2,
      throttled: 1,
    });
  });

  it('denies with the InvokeModel action on the model, for a fault filtered by the profile id', async () => {
    const simulator = await startTestSimulator(
      scenarioWith(
        `
  - region: us-east-1
    model: ${SONNET_PROFILE}
    invoke: [{ at: 0, result: ok }]`,
        `faults: [{ models: [${SONNET_PROFILE}], accessDenied: {} }]`,
      ),
    );
    const client = runtimeClient(simulator, 'us-east-1');

    expect(await outcomeOf(client, probe(SONNET_PROFILE))).toBe(
      `AccessDeniedException 403: User: ${CALLER} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1:123456789012:inference-profile/${SONNET_PROFILE} because no identity-based policy allows the bedrock:InvokeModel action`,
    );
    expect(await outcomeOf(client, probe(SONNET))).toBe('ok');
  });

  it('reports the scripted latency as metrics.latencyMs', async () => {
    const simulator = await startTestSimulator(
      scenarioWith('[]', 'faults: [{ operations: [Converse], latencyMs: 30 }]'),
    );
    const client = runtimeClient(simulator, 'us-east-1');

    const answer = await client.send(probe(SONNET));

    expect(answer.metrics?.latencyMs).toBe(30);
  });
});
