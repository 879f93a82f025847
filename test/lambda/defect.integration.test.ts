import type { BedrockClient } from '@aws-sdk/client-bedrock';
import { afterEach, describe, expect, it } from 'vitest';
import { createBedrockClientCache } from '../../src/bedrock/bedrock-clients.ts';
import { DefectError } from '../../src/errors.ts';
import { LambdaTestBed } from '../support/lambda-test-bed.ts';

const TITAN = 'amazon.titan-text-express-v1';
const NOVA = 'amazon.nova-pro-v1:0';
const SCENARIO = `account: "123456789012"\ncatalog: [{ id: ${TITAN} }, { id: ${NOVA} }]\n`;
const CONFIG = `regions: [us-east-1, us-west-2]\nmodels:\n  - id: ${TITAN}\n  - id: ${NOVA}\n`;

/**
 * The real Bedrock clients, except that checking `modelId` (or, with `listing`, listing the
 * models) hits `defect` on the way.
 */
function clientsWithDefect(modelId: string | 'listing', defect: Error) {
  const real = createBedrockClientCache({ requestTimeoutMs: 10_000, maxAttempts: 3 });
  return (region: string) => {
    const client = real(region);
    return new Proxy(client, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (
          command: { input: { modelId?: string }; constructor: { name: string } },
          options?: unknown,
        ) => {
          const listing = command.constructor.name === 'ListFoundationModelsCommand';
          if (modelId === 'listing' ? listing : command.input.modelId === modelId) throw defect;
          return target.send(command as never, options as never);
        };
      },
    }) as BedrockClient;
  };
}

describe('a programming error in the availability path', () => {
  let bed: LambdaTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('fails the invocation with a clear log line, after saving what the other checks found', async () => {
    bed = await LambdaTestBed.start(SCENARIO, CONFIG);
    const defect = new RangeError('The value of "delay" is out of range. It must be an integer.');
    const handler = bed.newContainer({ clientForRegion: clientsWithDefect(NOVA, defect) });

    const invocation = bed.invoke(handler);

    await expect(invocation).rejects.toBeInstanceOf(DefectError);
    await expect(invocation).rejects.toMatchObject({ defects: [defect, defect] });
    const errors = bed.logs.filter((line) => line.level === 'error');
    expect(errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('a programming error (a bug, not an AWS failure)'),
        fields: expect.objectContaining({
          defects: [expect.stringContaining('RangeError'), expect.stringContaining('RangeError')],
        }),
      }),
    ]);
    // Never a transient check failure: no run summary, no failure of kind network.
    expect(bed.logs.filter((line) => line.message === 'Run summary')).toEqual([]);
    expect(JSON.stringify(bed.logs)).not.toContain('"network"');

    // Titan's baselines were saved: a healthy run finds them and has only Nova's to store.
    const healthy = await bed.invoke(bed.newContainer());
    expect(healthy.states.UNKNOWN).toBe(0);
    expect(healthy.pairs.filter((pair) => pair.modelId === TITAN)).toEqual([
      expect.objectContaining({ storedState: 'ENABLED', since: new Date(bed.clock).toISOString() }),
      expect.objectContaining({ storedState: 'ENABLED', since: new Date(bed.clock).toISOString() }),
    ]);
  });

  it('is thrown by a verification too, and the event waits in the outbox', async () => {
    bed = await LambdaTestBed.start(
      `${SCENARIO}grants:\n  - { region: us-east-1, model: ${NOVA}, timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }], invoke: [{ at: 0, result: ok }] }\n`,
      `regions: [us-east-1]\nmodels:\n  - id: ${NOVA}\n    verify: true\n`,
    );
    await bed.invoke(bed.newContainer());
    bed.nextRun(1);
    const defect = new TypeError("Cannot read properties of undefined (reading 'via')");
    const broken = bed.newContainer({
      verifier: {
        async verify() {
          throw defect;
        },
      },
    });

    await expect(bed.invoke(broken)).rejects.toBeInstanceOf(DefectError);
    expect(bed.sns.published).toEqual([]);

    // A fixed container delivers it once its claim has lapsed: verified, published once.
    bed.clock += 5 * 60_000;
    const fixed = await bed.invoke(bed.newContainer());
    expect(fixed.notifications).toEqual({ published: 1, failed: 0 });
    expect(bed.sns.published.map((p) => p.subject)).toEqual([
      `Bedrock access ready: ${NOVA} in us-east-1`,
    ]);
  });

  it('is thrown by the listing too, after saving the grant states; lifecycle waits for the next run', async () => {
    bed = await LambdaTestBed.start(SCENARIO, CONFIG);
    const defect = new TypeError("Cannot read properties of undefined (reading 'modelLifecycle')");
    const handler = bed.newContainer({ clientForRegion: clientsWithDefect('listing', defect) });

    const invocation = bed.invoke(handler);

    await expect(invocation).rejects.toBeInstanceOf(DefectError);
    await expect(invocation).rejects.toMatchObject({ defects: [defect] });
    expect(JSON.stringify(bed.logs)).not.toContain('Listing failed');
    const healthy = await bed.invoke(bed.newContainer());
    expect(healthy.pairs.map((pair) => pair.storedState)).toEqual([
      'ENABLED',
      'ENABLED',
      'ENABLED',
      'ENABLED',
    ]);
    expect(healthy.pairs.every((pair) => pair.lifecycle?.status === 'ACTIVE')).toBe(true);
  });

  it('is thrown by a notifier too, never counted as a target that was down', async () => {
    bed = await LambdaTestBed.start(
      `${SCENARIO}grants:\n  - { region: us-east-1, model: ${NOVA}, timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }] }\n`,
      `regions: [us-east-1]\nmodels:\n  - id: ${NOVA}\n`,
    );
    await bed.invoke(bed.newContainer());
    bed.nextRun(1);
    const defect = new TypeError("Cannot read properties of undefined (reading 'to')");
    const broken = bed.newContainer({
      notifier: {
        async publish() {
          throw defect;
        },
      },
    });

    await expect(bed.invoke(broken)).rejects.toMatchObject({ defects: [defect] });
    expect(bed.logs.some((l) => l.message.startsWith('Notification failed'))).toBe(false);

    bed.clock += 5 * 60_000;
    const fixed = await bed.invoke(bed.newContainer());
    expect(fixed.notifications).toEqual({ published: 1, failed: 0 });
  });
});
