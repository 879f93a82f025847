import { afterEach, describe, expect, it } from 'vitest';
import { LambdaTestBed } from '../support/lambda-test-bed.ts';

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-pro-v1:0';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';
const MISTRAL = 'mistral.mistral-large-2402-v1:0';

const CONFIG = `regions: [us-east-1]
models:
  - id: ${CLAUDE}
    verify: { inferenceProfile: us.${CLAUDE} }
  - id: ${NOVA}
    verify: true
  - id: ${MISTRAL}
    verify: true
  - id: ${LLAMA}
`;
// Every model goes IN_PROGRESS -> ENABLED at tick 1; what a call to it does is scripted.
const SCENARIO = `account: "123456789012"
catalog: [{ id: ${CLAUDE} }, { id: ${NOVA} }, { id: ${LLAMA} }, { id: ${MISTRAL} }]
grants:
  - { region: us-east-1, model: ${CLAUDE}, timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }] }
  - { region: us-east-1, model: us.${CLAUDE}, invoke: [{ at: 0, result: ok }] }
  - region: us-east-1
    model: ${NOVA}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]
    invoke: [{ at: 0, error: iam-policy }]
  - region: us-east-1
    model: ${MISTRAL}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]
    invoke: [{ at: 0, error: ModelNotReadyException }]
  - { region: us-east-1, model: ${LLAMA}, timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }] }
`;

describe('verification calls from the Lambda', () => {
  let bed: LambdaTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  async function becomeEnabled() {
    bed = await LambdaTestBed.start(SCENARIO, CONFIG);
    const handler = bed.newContainer();
    await bed.invoke(handler);
    bed.nextRun(1);
    const summary = await bed.invoke(handler);
    const byModel = Object.fromEntries(summary.transitions.map((t) => [t.modelId, t]));
    const published = Object.fromEntries(
      bed.sns.published.map((p) => [p.attributes.modelId?.StringValue, p]),
    );
    return { summary, byModel, published, testBed: bed };
  }

  it('says in the ready alert that a 1-token call through the inference profile succeeded', async () => {
    const { byModel, published } = await becomeEnabled();

    expect(byModel[CLAUDE]).toMatchObject({
      kind: 'ready',
      verification: { ok: true, via: `us.${CLAUDE}`, latencyMs: expect.any(Number) },
    });
    const bodies = JSON.parse(published[CLAUDE]?.message ?? '{}');
    expect(bodies.email).toMatch(
      new RegExp(
        `verified: a 1-token call through us\\.${CLAUDE.replaceAll('.', '\\.')} succeeded in \\d+ ms\\.`,
      ),
    );
    expect(JSON.parse(bodies.default).verification).toMatchObject({
      ok: true,
      via: `us.${CLAUDE}`,
    });
  });

  it('publishes blocked, with the cause and the next step, when Bedrock says Enabled but the call is denied', async () => {
    const { byModel, published } = await becomeEnabled();

    expect(byModel[NOVA]).toMatchObject({
      kind: 'blocked',
      from: 'IN_PROGRESS',
      to: 'ENABLED',
      verification: {
        ok: false,
        cause: 'iam-policy',
        category: 'iam',
        lasting: true,
        errorName: 'AccessDeniedException',
      },
    });
    const alert = published[NOVA];
    expect(alert?.subject).toBe(`Bedrock access blocked: ${NOVA} in us-east-1`);
    expect(alert?.attributes.kind).toEqual({ DataType: 'String', StringValue: 'blocked' });
    const email = JSON.parse(alert?.message ?? '{}').email as string;
    expect(email).toContain(
      'Bedrock reports model access as enabled, but a call to the model fails.',
    );
    expect(email).toContain('is not authorized to perform: bedrock:InvokeModel');
    expect(email).toContain(
      String(
        byModel[NOVA]?.verification &&
          !byModel[NOVA].verification.ok &&
          byModel[NOVA].verification.nextStep,
      ),
    );
  });

  it('keeps ready, with the failed call shown, when the call fails for a passing reason', async () => {
    const { byModel, published } = await becomeEnabled();

    expect(byModel[MISTRAL]).toMatchObject({
      kind: 'ready',
      verification: {
        ok: false,
        cause: 'transient',
        lasting: false,
        errorName: 'ModelNotReadyException',
      },
    });
    expect(published[MISTRAL]?.subject).toBe(`Bedrock access ready: ${MISTRAL} in us-east-1`);
  });

  it('makes no call for a model without verify; a later run calls only the blocked model again', async () => {
    const { byModel, testBed } = await becomeEnabled();
    const converseCalls = () =>
      testBed.simulator.stats().regions['us-east-1']?.Converse?.requests ?? 0;
    const afterTransitions = converseCalls();

    testBed.nextRun(2);
    await testBed.invoke(testBed.newContainer());

    expect(byModel[LLAMA]).toMatchObject({ kind: 'ready' });
    expect(byModel[LLAMA]).not.toHaveProperty('verification');
    // Claude, Nova and Mistral: one call each, once; the adaptive retry may repeat Mistral's.
    expect(afterTransitions).toBeGreaterThanOrEqual(3);
    // Nova is blocked (its call was denied): re-verified at the next run, the first step of
    // its backoff (periodic-verification.integration.test.ts). Claude and Mistral are not.
    expect(converseCalls()).toBe(afterTransitions + 1);
  });

  it('makes one billed call and one publish when five runs overlap at the ready transition', async () => {
    bed = await LambdaTestBed.start(
      `account: "123456789012"
catalog: [{ id: ${NOVA} }]
grants:
  - region: us-east-1
    model: ${NOVA}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]
    invoke: [{ at: 0, result: ok }]
`,
      `regions: [us-east-1]\nmodels:\n  - id: ${NOVA}\n    verify: true\n`,
    );
    const testBed = bed;
    await testBed.invoke(testBed.newContainer());
    testBed.nextRun(1);

    // Five containers run the same schedule tick at once (a duplicate delivery, a retry).
    const summaries = await Promise.all(
      Array.from({ length: 5 }, () => testBed.invoke(testBed.newContainer())),
    );

    const converse = testBed.simulator.stats().regions['us-east-1']?.Converse?.requests ?? 0;
    expect(converse).toBe(1);
    expect(testBed.sns.published.map((p) => p.subject)).toEqual([
      `Bedrock access ready: ${NOVA} in us-east-1`,
    ]);
    expect(summaries.flatMap((s) => s.transitions.map((t) => t.kind))).toEqual(['ready']);
  });
});
