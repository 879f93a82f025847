import { GetFoundationModelAvailabilityCommand } from '@aws-sdk/client-bedrock';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { bedrockClient, startTestSimulator, stsClient } from './sim-harness.ts';

describe('STS GetCallerIdentity', () => {
  it('reports the scenario account through AWS_ENDPOINT_URL_STS', async () => {
    const simulator = await startTestSimulator('account: "012345678901"');
    const client = stsClient(simulator, 'eu-west-1');

    const identity = await client.send(new GetCallerIdentityCommand({}));

    expect(identity.Account).toBe('012345678901');
    expect(identity.Arn).toBe(
      'arn:aws:sts::012345678901:assumed-role/BedrockAccessMonitor/simulator',
    );
    expect(identity.UserId).toBe('AROASIMULATOREXAMPLE1:simulator');
    expect(identity.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(simulator.stats().regions['eu-west-1']?.GetCallerIdentity?.successes).toBe(1);
  });

  it('reports the scenario callerArn when it gives one', async () => {
    const simulator = await startTestSimulator(`
account: "123456789012"
callerArn: arn:aws:iam::123456789012:user/alice
`);
    const client = stsClient(simulator, 'us-east-1');

    const identity = await client.send(new GetCallerIdentityCommand({}));

    expect(identity.Arn).toBe('arn:aws:iam::123456789012:user/alice');
    expect(identity.UserId).toBe('AIDASIMULATOREXAMPLE1');
  });

  it('answers an unsigned Query request with an STS XML error', async () => {
    const simulator = await startTestSimulator('account: "123456789012"');

    const response = await fetch(simulator.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it.each([
    ['expired', 'ExpiredToken', 'ExpiredTokenException', 'is expired'],
    ['invalid', 'InvalidClientTokenId', 'UnrecognizedClientException', 'is invalid.'],
  ])(
    'refuses %s caller credentials on every call, in the names each protocol uses',
    async (credentials, stsName, bedrockName, words) => {
      const simulator = await startTestSimulator(
        `account: "123456789012"\ncallerCredentials: ${credentials}`,
      );

      const sts = stsClient(simulator, 'us-east-1');
      const bedrock = bedrockClient(simulator, 'us-east-1');

      await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
        name: stsName,
        message: `The security token included in the request ${words}`,
        $metadata: { httpStatusCode: 403 },
      });
      await expect(
        bedrock.send(
          new GetFoundationModelAvailabilityCommand({ modelId: 'amazon.titan-text-express-v1' }),
        ),
      ).rejects.toMatchObject({
        name: bedrockName,
        message: `The security token included in the request ${words}`,
        $metadata: { httpStatusCode: 403 },
      });
      expect(simulator.stats().regions['us-east-1']?.GetCallerIdentity?.errors).toEqual({
        [stsName]: 1,
      });
    },
  );
});
