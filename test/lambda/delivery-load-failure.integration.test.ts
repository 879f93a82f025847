import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryLoadError } from '../../src/errors.ts';
import { LambdaTestBed } from '../support/lambda-test-bed.ts';

// The notifier and the verifier are chunks loaded on first use (src/lambda/lazy-delivery.ts).
// When a broken package cannot load one, the run still saves its state, the invocation fails
// (so the Errors alarm fires), and nothing is lost: the notification waits in the outbox.

const NOVA = 'amazon.nova-pro-v1:0';
const CONFIG = `regions: [us-east-1]\nmodels:\n  - id: ${NOVA}\n    verify: true\n`;
const SCENARIO = `account: "123456789012"
catalog: [{ id: ${NOVA} }]
grants:
  - region: us-east-1
    model: ${NOVA}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]
    invoke: [{ at: 0, result: ok }]
`;
const brokenChunk = () => Promise.reject(new Error('Cannot find module ./sns-notifier-X1.mjs'));

describe('the Lambda when its notifier or verifier cannot be loaded', () => {
  let bed: LambdaTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it('fails the invocation after saving the transition, and a working container publishes it once', async () => {
    bed = await LambdaTestBed.start(SCENARIO, CONFIG);
    const broken = bed.newContainer({ loadNotifier: brokenChunk });
    await bed.invoke(broken);
    bed.nextRun(1);

    const failure = await bed.invoke(broken).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeliveryLoadError);
    expect((failure as Error).message).toMatch(
      /^the SNS notifier could not be loaded: Error: Cannot find module \.\/sns-notifier-X1\.mjs\. The run saved its state/,
    );
    expect(bed.sns.published).toEqual([]);
    expect(bed.logs.filter((line) => line.level === 'error').map((line) => line.message)).toEqual([
      'Run saved its state, but code it needed could not be loaded',
    ]);

    bed.nextRun(1);
    const summary = await bed.invoke(bed.newContainer());
    expect(summary.transitions).toEqual([]);
    expect(summary.notifications.published).toBe(1);
    expect(bed.sns.published.map((p) => p.subject)).toEqual([
      `Bedrock access ready: ${NOVA} in us-east-1`,
    ]);
  });

  it('keeps the transition ready with the verification shown as not made, and fails the invocation', async () => {
    bed = await LambdaTestBed.start(SCENARIO, CONFIG);
    const handler = bed.newContainer({ loadVerifier: brokenChunk });
    await bed.invoke(handler);
    bed.nextRun(1);

    const failure = await bed.invoke(handler).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeliveryLoadError);
    expect((failure as Error).message).toMatch(/^the Converse verifier could not be loaded: /);
    expect(bed.simulator.stats().regions['us-east-1']?.Converse).toBeUndefined();
    const [ready] = bed.sns.published;
    const event = JSON.parse(JSON.parse(ready?.message ?? '{}').default);
    expect(event).toMatchObject({
      kind: 'ready',
      modelId: NOVA,
      verification: {
        ok: false,
        cause: 'transient',
        lasting: false,
        message: 'Cannot find module ./sns-notifier-X1.mjs',
      },
    });
  });
});
