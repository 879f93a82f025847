import {
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelCommand,
  ListFoundationModelsCommand,
  type ListFoundationModelsCommandInput,
  type ModelModality,
} from '@aws-sdk/client-bedrock';
import { describe, expect, it } from 'vitest';
import {
  bedrockClient,
  rejectionOf,
  signedHeaders,
  startTestSimulator,
  withoutMetadata,
} from './sim-harness.ts';

const SONNET = 'anthropic.claude-3-sonnet-20240229-v1:0';
const TITAN_TEXT = 'amazon.titan-text-express-v1';
const TITAN_EMBED = 'amazon.titan-embed-text-v2:0';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';

const TWO_REGIONS = `
account: "123456789012"
catalog:
  - id: ${SONNET}
    name: Claude 3 Sonnet
    provider: Anthropic
    inputModalities: [TEXT, IMAGE]
  - id: ${TITAN_TEXT}
    customizationsSupported: [FINE_TUNING]
    inferenceTypesSupported: [ON_DEMAND, PROVISIONED]
  - id: ${TITAN_EMBED}
  - id: ${LLAMA}
    lifecycle: LEGACY
    regions: [us-west-2]
grants:
  - region: us-east-1
    model: ${SONNET}
    timeline: [{ at: 0, state: IN_PROGRESS }]
  - region: us-west-2
    model: ${SONNET}
    timeline: [{ at: 0, state: FAILED, message: Payment instrument declined }]
  - region: us-west-2
    model: ${TITAN_TEXT}
    timeline: [{ at: 0, state: NOT_OFFERED }]
`;

describe('GetFoundationModelAvailability', () => {
  it('answers each region with its own scripted fields', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);
    const east = bedrockClient(simulator, 'us-east-1');
    const west = bedrockClient(simulator, 'us-west-2');

    const inEast = await east.send(new GetFoundationModelAvailabilityCommand({ modelId: SONNET }));
    const inWest = await west.send(new GetFoundationModelAvailabilityCommand({ modelId: SONNET }));

    expect(withoutMetadata(inEast)).toEqual({
      modelId: SONNET,
      agreementAvailability: { status: 'PENDING' },
      authorizationStatus: 'AUTHORIZED',
      entitlementAvailability: 'AVAILABLE',
      regionAvailability: 'AVAILABLE',
    });
    expect(withoutMetadata(inWest)).toEqual({
      modelId: SONNET,
      agreementAvailability: { status: 'ERROR', errorMessage: 'Payment instrument declined' },
      authorizationStatus: 'AUTHORIZED',
      entitlementAvailability: 'AVAILABLE',
      regionAvailability: 'AVAILABLE',
    });
    expect(inEast.$metadata.httpStatusCode).toBe(200);
    expect(inEast.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers the scenario default for catalog models no grant scripts', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);
    const client = bedrockClient(simulator, 'eu-central-1');

    const answer = await client.send(
      new GetFoundationModelAvailabilityCommand({ modelId: SONNET }),
    );

    expect(answer.agreementAvailability).toEqual({ status: 'AVAILABLE' });
    expect(answer.regionAvailability).toBe('AVAILABLE');
  });

  it('answers NOT_OFFERED as regionAvailability NOT_AVAILABLE, not as an error', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);
    const client = bedrockClient(simulator, 'us-west-2');

    const answer = await client.send(
      new GetFoundationModelAvailabilityCommand({ modelId: TITAN_TEXT }),
    );

    expect(answer.regionAvailability).toBe('NOT_AVAILABLE');
  });

  it('answers 404 ResourceNotFoundException for unknown models and outside catalog regions', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);
    const client = bedrockClient(simulator, 'us-east-1');

    const unknown = await rejectionOf(
      client.send(new GetFoundationModelAvailabilityCommand({ modelId: 'acme.nonexistent-v1' })),
    );
    const elsewhere = await rejectionOf(
      client.send(new GetFoundationModelAvailabilityCommand({ modelId: LLAMA })),
    );

    expect(unknown.name).toBe('ResourceNotFoundException');
    expect(unknown.message).toBe(
      'The model acme.nonexistent-v1 does not exist in region us-east-1.',
    );
    expect(unknown.$metadata.httpStatusCode).toBe(404);
    expect(unknown.$fault).toBe('client');
    expect(elsewhere.name).toBe('ResourceNotFoundException');
  });

  it('rejects a malformed model id with ValidationException, as AWS validates the label', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);
    const client = bedrockClient(simulator, 'us-east-1');

    const error = await rejectionOf(
      client.send(new GetFoundationModelAvailabilityCommand({ modelId: 'Claude 3 Sonnet' })),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(
      /^1 validation error detected: Value 'Claude 3 Sonnet' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern: \^\[a-z0-9-\]/,
    );
  });
});

describe('ListFoundationModels', () => {
  const listedIds = async (
    region: string,
    simulatorYaml: string,
    input: ListFoundationModelsCommandInput = {},
  ) => {
    const simulator = await startTestSimulator(simulatorYaml);
    const answer = await bedrockClient(simulator, region).send(
      new ListFoundationModelsCommand(input),
    );
    return answer.modelSummaries?.map((summary) => summary.modelId);
  };

  it('lists only the models offered in the region', async () => {
    expect(await listedIds('us-east-1', TWO_REGIONS)).toEqual([SONNET, TITAN_TEXT, TITAN_EMBED]);
    expect(await listedIds('us-west-2', TWO_REGIONS)).toEqual([SONNET, TITAN_EMBED, LLAMA]);
  });

  it('gives every FoundationModelSummary member, with defaults guessed from the model id', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);
    const client = bedrockClient(simulator, 'us-west-2');

    const { modelSummaries } = await client.send(new ListFoundationModelsCommand({}));

    expect(modelSummaries?.find((summary) => summary.modelId === LLAMA)).toEqual({
      modelArn: `arn:aws:bedrock:us-west-2::foundation-model/${LLAMA}`,
      modelId: LLAMA,
      modelName: 'Llama3 8b Instruct',
      providerName: 'Meta',
      inputModalities: ['TEXT'],
      outputModalities: ['TEXT'],
      responseStreamingSupported: true,
      customizationsSupported: [],
      inferenceTypesSupported: ['ON_DEMAND'],
      modelLifecycle: { status: 'LEGACY' },
    });
    expect(modelSummaries?.find((summary) => summary.modelId === TITAN_EMBED)).toMatchObject({
      providerName: 'Amazon',
      outputModalities: ['EMBEDDING'],
      responseStreamingSupported: false,
    });
  });

  it('filters by provider (in any case), output modality, inference type and customization', async () => {
    expect(await listedIds('us-east-1', TWO_REGIONS, { byProvider: 'amazon' })).toEqual([
      TITAN_TEXT,
      TITAN_EMBED,
    ]);
    expect(await listedIds('us-east-1', TWO_REGIONS, { byOutputModality: 'EMBEDDING' })).toEqual([
      TITAN_EMBED,
    ]);
    expect(await listedIds('us-east-1', TWO_REGIONS, { byInferenceType: 'PROVISIONED' })).toEqual([
      TITAN_TEXT,
    ]);
    expect(
      await listedIds('us-east-1', TWO_REGIONS, { byCustomizationType: 'FINE_TUNING' }),
    ).toEqual([TITAN_TEXT]);
    expect(
      await listedIds('us-east-1', TWO_REGIONS, { byProvider: 'Amazon', byOutputModality: 'TEXT' }),
    ).toEqual([TITAN_TEXT]);
  });

  it('rejects a filter value outside its enum with ValidationException', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);
    const client = bedrockClient(simulator, 'us-east-1');

    const error = await rejectionOf(
      client.send(new ListFoundationModelsCommand({ byOutputModality: 'VIDEO' as ModelModality })),
    );

    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value 'VIDEO' at 'byOutputModality' failed to satisfy constraint: Member must satisfy enum value set: [TEXT, IMAGE, EMBEDDING]",
    );
  });
});

describe('GetFoundationModel', () => {
  it('answers modelDetails by model id or by foundation-model ARN', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);
    const client = bedrockClient(simulator, 'us-east-1');
    const arn = `arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`;

    const byId = await client.send(new GetFoundationModelCommand({ modelIdentifier: SONNET }));
    const byArn = await client.send(new GetFoundationModelCommand({ modelIdentifier: arn }));

    expect(byId.modelDetails).toEqual({
      modelArn: arn,
      modelId: SONNET,
      modelName: 'Claude 3 Sonnet',
      providerName: 'Anthropic',
      inputModalities: ['TEXT', 'IMAGE'],
      outputModalities: ['TEXT'],
      responseStreamingSupported: true,
      customizationsSupported: [],
      inferenceTypesSupported: ['ON_DEMAND'],
      modelLifecycle: { status: 'ACTIVE' },
    });
    expect(byArn.modelDetails).toEqual(byId.modelDetails);
  });

  it('answers 404 ResourceNotFoundException for a model not offered in the region', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);
    const client = bedrockClient(simulator, 'us-west-2');

    const error = await rejectionOf(
      client.send(new GetFoundationModelCommand({ modelIdentifier: TITAN_TEXT })),
    );

    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });
});

describe('the wire', () => {
  it('carries the error type in x-amzn-ErrorType, the message in the body and a request id', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);

    const response = await fetch(`${simulator.url}/foundation-models/acme.nonexistent-v1`, {
      headers: signedHeaders('us-east-1'),
    });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toEqual({
      message: 'The model acme.nonexistent-v1 does not exist in region us-east-1.',
    });
  });

  it('answers an unsigned request with 403 MissingAuthenticationTokenException', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);

    const response = await fetch(`${simulator.url}/foundation-models`);

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(simulator.stats().regions.unsigned?.ListFoundationModels?.errors).toEqual({
      MissingAuthenticationTokenException: 1,
    });
  });

  it('answers a path that is no Bedrock operation with 404 UnknownOperationException', async () => {
    const simulator = await startTestSimulator(TWO_REGIONS);

    const response = await fetch(`${simulator.url}/custom-models`, {
      headers: signedHeaders('us-east-1'),
    });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(response.headers.get('x-amzn-requestid')).not.toBeNull();
  });
});
