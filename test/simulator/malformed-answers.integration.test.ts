/**
 * What the unmodified SDK (@aws-sdk/client-bedrock 3.1164) does with each malformed 200,
 * observed here so the monitor's classifier can rely on it:
 *
 * - not-json (body cut in half): the send() rejects with a plain `SyntaxError` (name
 *   'SyntaxError', message "Unterminated string in JSON at position N\n  Deserialization error:
 *   to see the raw response, inspect the hidden field {error}.$response on this object."),
 *   `$metadata.httpStatusCode` 200, no `$fault`. Not a BedrockServiceException.
 * - missing-fields: no error at all. The output has the members that came (`modelId`) and the
 *   required ones are simply undefined. Only the caller's own check can see it.
 * - unknown-enum: no error. The unknown string is passed through as it is (enums are plain
 *   strings to the SDK), e.g. agreementAvailability.status 'UNDER_REVIEW'.
 */
import {
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelCommand,
  ListFoundationModelsCommand,
} from '@aws-sdk/client-bedrock';
import { describe, expect, it } from 'vitest';
import { bedrockClient, rejectionOf, startTestSimulator, withoutMetadata } from './sim-harness.ts';

const SONNET = 'anthropic.claude-3-sonnet-20240229-v1:0';

const malformedScenario = (kind: string) => `
account: "123456789012"
catalog: [{ id: ${SONNET} }]
faults:
  - malformed: { kind: ${kind} }
`;

describe('malformed answers', () => {
  it('not-json: the SDK rejects with a SyntaxError carrying status 200', async () => {
    const simulator = await startTestSimulator(malformedScenario('not-json'));
    const client = bedrockClient(simulator, 'us-east-1');

    const error = await rejectionOf(
      client.send(new GetFoundationModelAvailabilityCommand({ modelId: SONNET })),
    );

    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.name).toBe('SyntaxError');
    expect(error.message).toContain('Deserialization error');
    expect(error.$metadata.httpStatusCode).toBe(200);
    expect(error.$fault).toBeUndefined();
    expect(simulator.stats().total).toMatchObject({ requests: 1, malformed: 1, successes: 0 });
  });

  it('not-json: the same SyntaxError for the list and details operations', async () => {
    const simulator = await startTestSimulator(malformedScenario('not-json'));
    const client = bedrockClient(simulator, 'us-east-1');

    const list = await rejectionOf(client.send(new ListFoundationModelsCommand({})));
    const details = await rejectionOf(
      client.send(new GetFoundationModelCommand({ modelIdentifier: SONNET })),
    );

    expect([list.name, details.name]).toEqual(['SyntaxError', 'SyntaxError']);
  });

  it('missing-fields: the SDK resolves with the required members undefined', async () => {
    const simulator = await startTestSimulator(malformedScenario('missing-fields'));
    const client = bedrockClient(simulator, 'us-east-1');

    const availability = await client.send(
      new GetFoundationModelAvailabilityCommand({ modelId: SONNET }),
    );
    const list = await client.send(new ListFoundationModelsCommand({}));
    const details = await client.send(new GetFoundationModelCommand({ modelIdentifier: SONNET }));

    expect(withoutMetadata(availability)).toEqual({ modelId: SONNET });
    expect(availability.agreementAvailability).toBeUndefined();
    expect(availability.$metadata.httpStatusCode).toBe(200);
    expect(list.modelSummaries).toEqual([{ modelId: SONNET }]);
    expect(details.modelDetails).toEqual({ modelId: SONNET });
  });

  it('unknown-enum: the SDK resolves with the unknown value passed through', async () => {
    const simulator = await startTestSimulator(malformedScenario('unknown-enum'));
    const client = bedrockClient(simulator, 'us-east-1');

    const availability = await client.send(
      new GetFoundationModelAvailabilityCommand({ modelId: SONNET }),
    );
    const list = await client.send(new ListFoundationModelsCommand({}));

    expect(availability.agreementAvailability).toEqual({ status: 'UNDER_REVIEW' });
    expect(availability.authorizationStatus).toBe('AUTHORIZED');
    expect(list.modelSummaries?.[0]?.modelLifecycle).toEqual({ status: 'RETIRED' });
  });

  it('garbles only successful answers: a 404 stays a 404', async () => {
    const simulator = await startTestSimulator(malformedScenario('not-json'));
    const client = bedrockClient(simulator, 'us-east-1');

    const error = await rejectionOf(
      client.send(new GetFoundationModelAvailabilityCommand({ modelId: 'acme.nonexistent-v1' })),
    );

    expect(error.name).toBe('ResourceNotFoundException');
  });
});
