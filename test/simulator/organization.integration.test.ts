import { GetFoundationModelAvailabilityCommand } from '@aws-sdk/client-bedrock';
import {
  ListAccountsCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  paginateListChildren,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/server.ts';
import { bedrockClient, FAKE_CREDENTIALS, startTestSimulator, stsClient } from './sim-harness.ts';

const MODEL = 'amazon.nova-pro-v1:0';
const SCENARIO = `
account: "999999999999"
catalog: [{ id: ${MODEL} }]
grants:
  - account: "111111111111"
    region: us-east-1
    model: ${MODEL}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]
faults:
  - account: "222222222222"
    throttle: { share: 1 }
organization:
  roots: [r-abcd]
  units:
    - { id: ou-abcd-11111111, parent: r-abcd }
    - { id: ou-abcd-22222222, parent: ou-abcd-11111111 }
  accounts:
    - { id: "111111111111", name: prod-ml, parent: ou-abcd-11111111 }
    - { id: "222222222222", name: dev, parent: ou-abcd-22222222 }
    - { id: "333333333333", name: locked, assumeRole: denied }
    - { id: "444444444444", name: gone, state: SUSPENDED }
  pageSize: 2
`;

function organizationsClient(simulator: RunningSimulator, credentials = FAKE_CREDENTIALS) {
  const client = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: simulator.endpointEnv.AWS_ENDPOINT_URL_ORGANIZATIONS,
    credentials,
    maxAttempts: 1,
  });
  onTestFinished(() => client.destroy());
  return client;
}

async function assume(simulator: RunningSimulator, account: string) {
  const answer = await stsClient(simulator, 'us-east-1').send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${account}:role/bedrock-access-monitor-read`,
      RoleSessionName: 'bedrock-access-monitor',
      DurationSeconds: 900,
    }),
  );
  const credentials = answer.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error('no credentials');
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken ?? '',
    expiration: credentials.Expiration,
  };
}

describe('STS AssumeRole', () => {
  it('gives credentials whose access key is that account: STS and Bedrock answer as the member', async () => {
    const simulator = await startTestSimulator(SCENARIO);

    const credentials = await assume(simulator, '111111111111');
    const identity = await new STSClient({
      region: 'us-east-1',
      endpoint: simulator.url,
      credentials,
    }).send(new GetCallerIdentityCommand({}));
    const member = bedrockClient(simulator, 'us-east-1', { credentials });
    const hub = bedrockClient(simulator, 'us-east-1');
    const memberAnswer = await member.send(
      new GetFoundationModelAvailabilityCommand({ modelId: MODEL }),
    );
    const hubAnswer = await hub.send(new GetFoundationModelAvailabilityCommand({ modelId: MODEL }));

    expect(credentials.accessKeyId).toMatch(/^ASIA111111111111/);
    expect(credentials.expiration?.getTime()).toBeGreaterThan(Date.now() + 800_000);
    expect(identity.Account).toBe('111111111111');
    expect(identity.Arn).toBe(
      'arn:aws:sts::111111111111:assumed-role/bedrock-access-monitor-read/bedrock-access-monitor',
    );
    expect(memberAnswer.agreementAvailability?.status).toBe('PENDING');
    expect(hubAnswer.agreementAvailability?.status).toBe('AVAILABLE');
  });

  it('refuses the role of an account the scenario denies, and of an account outside the organization', async () => {
    const simulator = await startTestSimulator(SCENARIO);

    const denied = assume(simulator, '333333333333');
    const outside = assume(simulator, '555555555555');

    await expect(denied).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(outside).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(simulator.stats().regions['us-east-1']?.AssumeRole?.errors).toEqual({
      AccessDenied: 2,
    });
  });

  it('refuses a session name or duration STS would refuse', async () => {
    const simulator = await startTestSimulator(SCENARIO);
    const sts = stsClient(simulator, 'us-east-1');
    const roleArn = 'arn:aws:iam::111111111111:role/r';

    const tooShort = sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'x' }));
    const tooLong = sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'ok', DurationSeconds: 43_201 }),
    );

    await expect(tooShort).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(tooLong).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('keeps Bedrock faults to the account they name, and off STS', async () => {
    const simulator = await startTestSimulator(SCENARIO);

    const throttled = await assume(simulator, '222222222222');
    const answer = bedrockClient(simulator, 'us-east-1', { credentials: throttled }).send(
      new GetFoundationModelAvailabilityCommand({ modelId: MODEL }),
    );

    await expect(answer).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});

describe('Organizations', () => {
  it('lists every account in pages, the management account included', async () => {
    const simulator = await startTestSimulator(SCENARIO);
    const client = organizationsClient(simulator);

    const accounts = [];
    for await (const page of paginateListAccounts({ client }, {})) {
      expect(page.Accounts?.length).toBeLessThanOrEqual(2);
      accounts.push(...(page.Accounts ?? []));
    }

    expect(accounts.map(({ Id, Name, State }) => ({ Id, Name, State }))).toEqual([
      { Id: '999999999999', Name: 'management', State: 'ACTIVE' },
      { Id: '111111111111', Name: 'prod-ml', State: 'ACTIVE' },
      { Id: '222222222222', Name: 'dev', State: 'ACTIVE' },
      { Id: '333333333333', Name: 'locked', State: 'ACTIVE' },
      { Id: '444444444444', Name: 'gone', State: 'SUSPENDED' },
    ]);
    expect(accounts[1]?.Arn).toBe(
      'arn:aws:organizations::999999999999:account/o-exampleorgid/111111111111',
    );
    expect(accounts[1]?.JoinedTimestamp).toBeInstanceOf(Date);
  });

  it('lists the children and the accounts of a parent', async () => {
    const simulator = await startTestSimulator(SCENARIO);
    const client = organizationsClient(simulator);

    const units = [];
    for await (const page of paginateListChildren(
      { client },
      { ParentId: 'ou-abcd-11111111', ChildType: 'ORGANIZATIONAL_UNIT' },
    )) {
      units.push(...(page.Children ?? []));
    }
    const accounts = [];
    for await (const page of paginateListAccountsForParent(
      { client },
      { ParentId: 'ou-abcd-22222222' },
    )) {
      accounts.push(...(page.Accounts ?? []));
    }

    expect(units).toEqual([{ Id: 'ou-abcd-22222222', Type: 'ORGANIZATIONAL_UNIT' }]);
    expect(accounts.map((account) => account.Id)).toEqual(['222222222222']);
  });

  it('throttles on demand with TooManyRequestsException, and refuses a member account', async () => {
    const simulator = await startTestSimulator(
      `${SCENARIO.replace(
        'faults:',
        'faults:\n  - operations: [ListAccounts]\n    throttle: { share: 0.5 }',
      )}`,
    );
    const client = organizationsClient(simulator);
    const member = organizationsClient(simulator, await assume(simulator, '111111111111'));

    const first = client.send(new ListAccountsCommand({}));
    const second = client.send(new ListAccountsCommand({}));
    const fromMember = member.send(new ListAccountsCommand({}));

    const outcomes = await Promise.allSettled([first, second]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({
      reason: { name: 'TooManyRequestsException' },
    });
    await expect(fromMember).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('answers AWSOrganizationsNotInUseException for a scenario without an organization', async () => {
    const simulator = await startTestSimulator('account: "999999999999"');

    const answer = organizationsClient(simulator).send(new ListAccountsCommand({}));

    await expect(answer).rejects.toMatchObject({ name: 'AWSOrganizationsNotInUseException' });
  });
});
