import type { BedrockClient } from '@aws-sdk/client-bedrock';
import { describe, expect, it } from 'vitest';
import { loggedProgress } from '../../src/request/grant-progress.ts';
import { requestAccess } from '../../src/request/request-access.ts';

const MODEL = 'cohere.command-r-v1:0';

function availability(status: string) {
  return {
    modelId: MODEL,
    agreementAvailability: { status },
    authorizationStatus: 'AUTHORIZED',
    entitlementAvailability: 'AVAILABLE',
    regionAvailability: 'AVAILABLE',
  };
}

/** A Bedrock client that answers from a script, by command name, and records what was sent. */
function scriptedBedrock(answers: Record<string, Array<() => unknown>>) {
  const sent: string[] = [];
  const client = {
    async send(command: object) {
      const name = command.constructor.name;
      sent.push(name);
      const next = answers[name]?.shift();
      if (next === undefined) throw new Error(`unexpected ${name}`);
      return next();
    },
  };
  return { client: client as unknown as BedrockClient, sent };
}

function conflict(): never {
  throw Object.assign(new Error('An agreement for this model is being created.'), {
    name: 'ConflictException',
    $metadata: { httpStatusCode: 409 },
  });
}

describe('requestAccess', () => {
  it('goes on watching when Bedrock says the agreement already exists', async () => {
    const { client, sent } = scriptedBedrock({
      GetFoundationModelAvailabilityCommand: [
        () => availability('NOT_AVAILABLE'),
        () => availability('PENDING'),
        () => availability('AVAILABLE'),
      ],
      ListFoundationModelAgreementOffersCommand: [
        () => ({ modelId: MODEL, offers: [{ offerToken: 'token', termDetails: {} }] }),
      ],
      CreateFoundationModelAgreementCommand: [conflict],
    });
    let now = 0;
    const out: string[] = [];

    const outcome = await requestAccess(
      {
        bedrock: client,
        clock: {
          now: () => now,
          sleep: async (ms) => {
            now += ms;
          },
        },
        confirm: undefined,
        out: (line) => out.push(line),
        err: (line) => out.push(line),
        progress: loggedProgress((line) => out.push(line)),
      },
      { modelId: MODEL, region: 'eu-west-1' },
      { yes: true, intervalMs: 5000, timeoutMs: 60_000 },
    );

    expect(outcome).toBe('enabled');
    expect(sent).toEqual([
      'GetFoundationModelAvailabilityCommand',
      'ListFoundationModelAgreementOffersCommand',
      'CreateFoundationModelAgreementCommand',
      'GetFoundationModelAvailabilityCommand',
      'GetFoundationModelAvailabilityCommand',
    ]);
    expect(out).toContain(
      `Bedrock already has a request for ${MODEL} in eu-west-1 (ConflictException: An agreement for this model is being created.).`,
    );
    expect(out.filter((line) => line.startsWith('['))).toEqual([
      '[0:00] IN_PROGRESS (agreement PENDING)',
      '[0:05] ENABLED',
    ]);
  });
});
