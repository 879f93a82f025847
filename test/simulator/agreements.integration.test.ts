import {
  type BedrockClient,
  CreateFoundationModelAgreementCommand,
  GetFoundationModelAvailabilityCommand,
  GetUseCaseForModelAccessCommand,
  ListFoundationModelAgreementOffersCommand,
  PutUseCaseForModelAccessCommand,
} from '@aws-sdk/client-bedrock';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import {
  bedrockClient,
  manualClock,
  rejectionOf,
  runtimeClient,
  startTestSimulator,
  withoutMetadata,
} from './sim-harness.ts';

const SONNET = 'anthropic.claude-3-sonnet-20240229-v1:0';
const TITAN = 'amazon.titan-text-express-v1';

const NOT_ENABLED_SONNET = `
account: "123456789012"
catalog: [{ id: ${SONNET} }, { id: ${TITAN} }]
grants:
  - region: us-east-1
    model: ${SONNET}
    timeline: [{ at: 0, state: NOT_ENABLED }]
`;

async function agreementStatus(client: BedrockClient, modelId = SONNET): Promise<string> {
  const answer = await client.send(new GetFoundationModelAvailabilityCommand({ modelId }));
  return answer.agreementAvailability?.status ?? 'none';
}

async function offerTokenFor(client: BedrockClient, modelId = SONNET): Promise<string> {
  const { offers } = await client.send(new ListFoundationModelAgreementOffersCommand({ modelId }));
  const token = offers?.[0]?.offerToken;
  if (token === undefined) throw new Error(`no offer for ${modelId}`);
  return token;
}

describe('ListFoundationModelAgreementOffers', () => {
  it('offers one agreement with its terms for a model the region offers', async () => {
    const simulator = await startTestSimulator(NOT_ENABLED_SONNET);
    const client = bedrockClient(simulator, 'us-east-1');

    const answer = await client.send(
      new ListFoundationModelAgreementOffersCommand({ modelId: SONNET }),
    );

    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(answer.modelId).toBe(SONNET);
    expect(answer.offers).toHaveLength(1);
    expect(answer.offers?.[0]).toMatchObject({
      offerId: expect.stringMatching(/^offer-/),
      offerToken: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
      termDetails: {
        usageBasedPricingTerm: { rateCard: expect.arrayContaining([expect.anything()]) },
        legalTerm: { url: expect.stringMatching(/^https:\/\//) },
        supportTerm: { refundPolicyDescription: expect.any(String) },
      },
    });
  });

  it('answers 404 for a model the simulator does not know', async () => {
    const simulator = await startTestSimulator(NOT_ENABLED_SONNET);
    const client = bedrockClient(simulator, 'us-east-1');

    const error = await rejectionOf(
      client.send(
        new ListFoundationModelAgreementOffersCommand({ modelId: 'cohere.command-r-v1:0' }),
      ),
    );

    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });
});

describe('CreateFoundationModelAgreement', () => {
  it('moves the grant to PENDING at once and to AVAILABLE after the scripted delay', async () => {
    const clock = manualClock();
    const simulator = await startTestSimulator(
      `${NOT_ENABLED_SONNET}agreementDelaySeconds: 30\n`,
      clock.now,
    );
    const client = bedrockClient(simulator, 'us-east-1');
    const before = await agreementStatus(client);
    const offerToken = await offerTokenFor(client);

    const created = await client.send(
      new CreateFoundationModelAgreementCommand({ modelId: SONNET, offerToken }),
    );
    const rightAfter = await agreementStatus(client);
    clock.advanceSeconds(29);
    const stillPending = await agreementStatus(client);
    clock.advanceSeconds(1);
    const settled = await agreementStatus(client);

    expect(withoutMetadata(created)).toEqual({ modelId: SONNET });
    expect(created.$metadata.httpStatusCode).toBe(202);
    expect([before, rightAfter, stillPending, settled]).toEqual([
      'NOT_AVAILABLE',
      'PENDING',
      'PENDING',
      'AVAILABLE',
    ]);
  });

  it('overrides the timeline from then on, and Converse follows the agreement', async () => {
    const clock = manualClock();
    const simulator = await startTestSimulator(NOT_ENABLED_SONNET, clock.now);
    const control = bedrockClient(simulator, 'us-east-1');
    const runtime = runtimeClient(simulator, 'us-east-1');
    const probe = () =>
      runtime
        .send(
          new ConverseCommand({
            modelId: SONNET,
            messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
            inferenceConfig: { maxTokens: 1 },
          }),
        )
        .then(
          () => 'ok',
          (error: Error) => error.message,
        );
    const offerToken = await offerTokenFor(control);

    await control.send(new CreateFoundationModelAgreementCommand({ modelId: SONNET, offerToken }));
    simulator.tick();
    const whilePending = await probe();
    clock.advanceSeconds(2);
    const afterDefaultDelay = await probe();
    const availability = await agreementStatus(control);

    expect(whilePending).toBe(
      'Your account is not authorized to access this model. Your AWS Marketplace subscription for this model is still being processed.',
    );
    expect(afterDefaultDelay).toBe('ok');
    expect(availability).toBe('AVAILABLE');
  });

  it('counts the delay in ticks when the scenario says agreementDelayTicks', async () => {
    const simulator = await startTestSimulator(`${NOT_ENABLED_SONNET}agreementDelayTicks: 2\n`);
    const client = bedrockClient(simulator, 'us-east-1');
    const offerToken = await offerTokenFor(client);

    await client.send(new CreateFoundationModelAgreementCommand({ modelId: SONNET, offerToken }));
    const seen = [await agreementStatus(client)];
    simulator.tick();
    seen.push(await agreementStatus(client));
    simulator.tick();
    seen.push(await agreementStatus(client));

    expect(seen).toEqual(['PENDING', 'PENDING', 'AVAILABLE']);
  });

  it('ends in ERROR with the message when the grant scripts a failed agreement', async () => {
    const simulator = await startTestSimulator(`
account: "123456789012"
grants:
  - region: us-east-1
    model: ${SONNET}
    timeline: [{ at: 0, state: NOT_ENABLED }]
    agreement: { delayTicks: 1, outcome: FAILED, message: Payment instrument declined }
`);
    const client = bedrockClient(simulator, 'us-east-1');
    const offerToken = await offerTokenFor(client);

    await client.send(new CreateFoundationModelAgreementCommand({ modelId: SONNET, offerToken }));
    simulator.tick();
    const answer = await client.send(
      new GetFoundationModelAvailabilityCommand({ modelId: SONNET }),
    );

    expect(answer.agreementAvailability).toEqual({
      status: 'ERROR',
      errorMessage: 'Payment instrument declined',
    });
  });

  it('refuses an offer token it did not hand out for this model with ValidationException', async () => {
    const simulator = await startTestSimulator(NOT_ENABLED_SONNET);
    const client = bedrockClient(simulator, 'us-east-1');
    const titanToken = await offerTokenFor(client, TITAN);

    const madeUp = await rejectionOf(
      client.send(
        new CreateFoundationModelAgreementCommand({ modelId: SONNET, offerToken: 'not-a-token' }),
      ),
    );
    const otherModels = await rejectionOf(
      client.send(
        new CreateFoundationModelAgreementCommand({ modelId: SONNET, offerToken: titanToken }),
      ),
    );

    for (const error of [madeUp, otherModels]) {
      expect(error.name).toBe('ValidationException');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(error.message).toBe(
        `The offer token is not valid for model ${SONNET}. Get a current token with ListFoundationModelAgreementOffers.`,
      );
    }
    expect(await agreementStatus(client)).toBe('NOT_AVAILABLE');
  });

  it('refuses a token from another region', async () => {
    const simulator = await startTestSimulator(NOT_ENABLED_SONNET);
    const west = bedrockClient(simulator, 'us-west-2');
    const east = bedrockClient(simulator, 'us-east-1');
    const westToken = await offerTokenFor(west);

    const error = await rejectionOf(
      east.send(
        new CreateFoundationModelAgreementCommand({ modelId: SONNET, offerToken: westToken }),
      ),
    );

    expect(error.name).toBe('ValidationException');
  });

  it('answers ConflictException (400) when the model already has an agreement', async () => {
    const simulator = await startTestSimulator(NOT_ENABLED_SONNET);
    const client = bedrockClient(simulator, 'us-east-1');
    const offerToken = await offerTokenFor(client, TITAN);

    const error = await rejectionOf(
      client.send(new CreateFoundationModelAgreementCommand({ modelId: TITAN, offerToken })),
    );

    expect(error.name).toBe('ConflictException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toBe(`An agreement for model ${TITAN} already exists.`);
  });

  it('fails with a scripted fault aimed at the operation, and counts it', async () => {
    const simulator = await startTestSimulator(
      `${NOT_ENABLED_SONNET}faults: [{ operations: [CreateFoundationModelAgreement], serverError: {} }]\n`,
    );
    const client = bedrockClient(simulator, 'us-east-1');
    const offerToken = await offerTokenFor(client);

    const error = await rejectionOf(
      client.send(new CreateFoundationModelAgreementCommand({ modelId: SONNET, offerToken })),
    );

    expect(error.name).toBe('InternalServerException');
    expect(await agreementStatus(client)).toBe('NOT_AVAILABLE');
    expect(simulator.stats().regions['us-east-1']).toMatchObject({
      ListFoundationModelAgreementOffers: { requests: 1, successes: 1 },
      CreateFoundationModelAgreement: { requests: 1, errors: { InternalServerException: 1 } },
    });
  });
});

describe('the use-case form', () => {
  it('is on file by default: GetUseCaseForModelAccess returns the form data', async () => {
    const simulator = await startTestSimulator('account: "123456789012"');
    const client = bedrockClient(simulator, 'us-east-1');

    const answer = await client.send(new GetUseCaseForModelAccessCommand({}));

    expect(answer.formData).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(Buffer.from(answer.formData ?? []).toString('utf8'))).toMatchObject({
      companyName: 'Example Corp',
    });
    expect(simulator.stats().regions['us-east-1']?.GetUseCaseForModelAccess?.successes).toBe(1);
  });

  it('answers 404 ResourceNotFoundException when the account never submitted it', async () => {
    const simulator = await startTestSimulator(
      'account: "123456789012"\nuseCaseFormSubmitted: false',
    );
    const client = bedrockClient(simulator, 'us-east-1');

    const error = await rejectionOf(client.send(new GetUseCaseForModelAccessCommand({})));

    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toBe('Model use case details have not been submitted for this account.');
  });

  it('files the form with PutUseCaseForModelAccess, for every region of the account', async () => {
    const simulator = await startTestSimulator(
      `account: "123456789012"\ncatalog: [{ id: ${SONNET} }]\nuseCaseFormSubmitted: false`,
    );
    const east = bedrockClient(simulator, 'us-east-1');
    const west = bedrockClient(simulator, 'us-west-2');
    const runtime = runtimeClient(simulator, 'us-west-2');
    const form = new TextEncoder().encode('{"useCases":"monitoring model access"}');

    const put = await east.send(new PutUseCaseForModelAccessCommand({ formData: form }));
    const got = await west.send(new GetUseCaseForModelAccessCommand({}));
    const reply = await runtime.send(
      new ConverseCommand({
        modelId: SONNET,
        messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
        inferenceConfig: { maxTokens: 1 },
      }),
    );

    expect(put.$metadata.httpStatusCode).toBe(201);
    expect(Buffer.from(got.formData ?? []).toString('utf8')).toBe(
      '{"useCases":"monitoring model access"}',
    );
    expect(reply.stopReason).toBe('max_tokens');
  });

  it('refuses form data shorter than the model allows', async () => {
    const simulator = await startTestSimulator('account: "123456789012"');
    const client = bedrockClient(simulator, 'us-east-1');

    const error = await rejectionOf(
      client.send(new PutUseCaseForModelAccessCommand({ formData: new Uint8Array([1, 2]) })),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('Member must have length greater than or equal to 10');
  });
});
