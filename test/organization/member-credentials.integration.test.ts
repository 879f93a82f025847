import { STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it, onTestFinished } from 'vitest';
import { MemberAccessError } from '../../src/errors.ts';
import {
  createMemberCredentials,
  SESSION_DURATION_SECONDS,
} from '../../src/organization/member-credentials.ts';
import { startTestSimulator } from '../simulator/sim-harness.ts';

const SCENARIO = `
account: "999999999999"
organization:
  accounts:
    - { id: "111111111111" }
    - { id: "222222222222", assumeRole: denied }
`;

async function credentialsWith(now: () => number) {
  const simulator = await startTestSimulator(SCENARIO);
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: simulator.url,
    credentials: { accessKeyId: 'AKIDHUBTEST', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  onTestFinished(() => sts.destroy());
  const credentials = createMemberCredentials({
    sts,
    partition: 'aws',
    roleName: 'bedrock-access-monitor-read',
    externalId: 'shared-secret',
    hubAccount: '999999999999',
    now,
  });
  const assumed = () => simulator.stats().regions['us-east-1']?.AssumeRole?.successes ?? 0;
  return { credentials, assumed };
}

describe('member credentials', () => {
  it('assume each member role once, until shortly before the 15-minute session ends', async () => {
    let offsetMs = 0;
    const { credentials, assumed } = await credentialsWith(() => Date.now() + offsetMs);

    const first = await credentials.credentialsFor('111111111111');
    const [again] = await Promise.all([
      credentials.credentialsFor('111111111111'),
      credentials.credentialsFor('111111111111'),
    ]);
    offsetMs = SESSION_DURATION_SECONDS * 1000 - 300_000;
    const renewed = await credentials.credentialsFor('111111111111');

    expect(first?.accessKeyId).toMatch(/^ASIA111111111111/);
    expect(again).toBe(first);
    expect(renewed?.accessKeyId).not.toBe(first?.accessKeyId);
    expect(assumed()).toBe(2);
  });

  it('need none for the hub, and say a denied role is denied', async () => {
    const { credentials, assumed } = await credentialsWith(Date.now);

    const hub = await credentials.credentialsFor('999999999999');
    const denied = credentials.credentialsFor('222222222222');

    expect(hub).toBeUndefined();
    await expect(denied).rejects.toBeInstanceOf(MemberAccessError);
    await expect(denied).rejects.toMatchObject({ denied: true, account: '222222222222' });
    expect(assumed()).toBe(0);
  });
});
