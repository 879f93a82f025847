import { BedrockClient } from '@aws-sdk/client-bedrock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemberAvailability } from '../../src/organization/member-availability.ts';
import { closedPort } from '../support/closed-port.ts';

const HUB = '999999999999';
const TARGET = { modelId: 'amazon.titan-text-express-v1', region: 'us-east-1' };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createMemberAvailability', () => {
  it("closes the clients of the least recently used account it drops, and no other's", async () => {
    const destroyed: BedrockClient[] = [];
    const created: BedrockClient[] = [];
    const destroy = BedrockClient.prototype.destroy;
    vi.spyOn(BedrockClient.prototype, 'destroy').mockImplementation(function (this: BedrockClient) {
      destroyed.push(this);
      destroy.call(this);
    });
    const availabilityFor = createMemberAvailability({
      credentials: {
        credentialsFor: async () => ({ accessKeyId: 'AKIDMEMBER', secretAccessKey: 'secret' }),
      },
      hubAccount: HUB,
      requestTimeoutMs: 500,
      maxAttempts: 1,
      concurrencyPerRegion: 1,
      maxAccounts: 2,
      // Nothing listens: each check fails at once, after its account's client is created.
      endpoint: `http://127.0.0.1:${await closedPort()}`,
    });
    const checkAs = async (account: string) => {
      const before = BedrockClient.prototype.send;
      const spy = vi.spyOn(BedrockClient.prototype, 'send').mockImplementation(function (
        this: BedrockClient,
        ...args: Parameters<BedrockClient['send']>
      ) {
        if (!created.includes(this)) created.push(this);
        return before.apply(this, args) as ReturnType<BedrockClient['send']>;
      });
      await availabilityFor(account).check([TARGET], Date.now() + 5_000);
      spy.mockRestore();
    };

    await checkAs('111111111111');
    await checkAs('222222222222');
    await checkAs('111111111111'); // now the most recent: 222222222222 is the oldest
    expect(destroyed).toEqual([]);
    await checkAs('333333333333');

    expect(created).toHaveLength(3);
    expect(destroyed).toEqual([created[1]]);
  });
});
