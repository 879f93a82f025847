import { describe, expect, it } from 'vitest';
import type { DiagnosisSteps, InvokeStep } from '../../src/diagnose/diagnosis.ts';
import { decideVerdict } from '../../src/diagnose/verdict.ts';
import { describeCause } from '../../src/verify/access-cause.ts';
import { RAW_FOR } from '../support/fixtures.ts';

const TARGET = {
  modelId: 'amazon.titan-text-express-v1',
  region: 'us-east-1',
  invokeVia: 'amazon.titan-text-express-v1',
};

function steps(change: Partial<DiagnosisSteps> = {}): DiagnosisSteps {
  return {
    offered: {
      step: 'offered',
      status: 'ok',
      offered: true,
      modelName: 'Titan Text Express',
      lifecycle: 'ACTIVE',
      notFound: null,
      error: null,
    },
    grant: {
      step: 'grant',
      status: 'ok',
      state: 'ENABLED',
      raw: RAW_FOR.ENABLED,
      notFound: null,
      error: null,
    },
    useCaseForm: {
      step: 'use-case-form',
      status: 'skipped',
      required: false,
      onFile: null,
      error: null,
    },
    invoke: called({ status: 'ok', latencyMs: 42 }),
    ...change,
  };
}

function called(change: Partial<InvokeStep>): InvokeStep {
  return {
    step: 'invoke',
    status: 'problem',
    via: TARGET.invokeVia,
    ran: true,
    latencyMs: null,
    cause: null,
    category: null,
    explanation: null,
    nextStep: null,
    errorName: null,
    message: null,
    ...change,
  };
}

function failedCall(cause: 'iam-policy' | 'transient', errorName: string): InvokeStep {
  const described = describeCause(cause);
  return called({
    status: cause === 'transient' ? 'unknown' : 'problem',
    cause,
    category: described.category,
    explanation: described.explanation,
    nextStep: described.nextStep,
    errorName,
    message: 'the message',
  });
}

const notEnabled = {
  grant: {
    step: 'grant' as const,
    status: 'problem' as const,
    state: 'NOT_ENABLED' as const,
    raw: RAW_FOR.NOT_ENABLED,
    notFound: null,
    error: null,
  },
};

describe('decideVerdict', () => {
  it('calls a model usable when the call succeeded, whatever the grant says', () => {
    const verdict = decideVerdict(TARGET, steps(notEnabled));

    expect(verdict).toMatchObject({
      outcome: 'usable',
      exitCode: 0,
      explanation: 'a 1-token call succeeded in 42 ms.',
      also: [],
    });
  });

  it("names the call's cause first and what the grant shows beside it", () => {
    const verdict = decideVerdict(
      TARGET,
      steps({ ...notEnabled, invoke: failedCall('iam-policy', 'AccessDeniedException') }),
    );

    expect(verdict).toMatchObject({
      outcome: 'not-usable',
      cause: 'iam-policy',
      basis: 'invocation',
    });
    expect(verdict.also).toEqual([
      'The account has no access to amazon.titan-text-express-v1 in us-east-1 (agreement NOT_AVAILABLE, entitlement AVAILABLE).',
    ]);
  });

  it('lets the grant decide when the call failed for a passing reason', () => {
    const verdict = decideVerdict(
      TARGET,
      steps({ ...notEnabled, invoke: failedCall('transient', 'ThrottlingException') }),
    );

    expect(verdict).toMatchObject({
      outcome: 'not-usable',
      exitCode: 4,
      cause: 'agreement-missing',
      basis: 'steps',
      headline: 'This is model access, not IAM',
    });
    expect(verdict.also).toEqual(['The 1-token call failed too: ThrottlingException: the message']);
  });

  it('cannot tell after a passing failure when the steps find nothing', () => {
    const verdict = decideVerdict(
      TARGET,
      steps({ invoke: failedCall('transient', 'ThrottlingException') }),
    );

    expect(verdict).toMatchObject({
      outcome: 'could-not-tell',
      exitCode: 5,
      category: 'transient',
      headline: 'Could not tell',
      nextStep: expect.stringMatching(/^Run diagnose again in a minute/),
    });
  });

  it('does not call an ENABLED grant usable without a call', () => {
    const verdict = decideVerdict(
      TARGET,
      steps({ invoke: { ...called({}), status: 'skipped', ran: false } }),
    );

    expect(verdict).toMatchObject({ outcome: 'could-not-tell', cause: 'not-invoked', exitCode: 5 });
  });

  it('calls steps that could not reach Bedrock a network problem, not Bedrock being busy', () => {
    const unreachable = {
      kind: 'network' as const,
      errorName: 'Error',
      message: 'getaddrinfo ENOTFOUND bedrock.us-east-1.amazonaws.com',
    };
    const verdict = decideVerdict(
      TARGET,
      steps({
        offered: { ...steps().offered, status: 'unknown', offered: null, error: unreachable },
        grant: { ...steps().grant, status: 'unknown', state: null, raw: null, error: unreachable },
        invoke: { ...called({}), status: 'skipped', ran: false },
      }),
    );

    expect(verdict).toMatchObject({
      outcome: 'could-not-tell',
      exitCode: 5,
      category: 'transient',
    });
    expect(verdict.explanation).toBe(
      'Bedrock in us-east-1 could not be reached: GetFoundationModel: Error: getaddrinfo ENOTFOUND bedrock.us-east-1.amazonaws.com; GetFoundationModelAvailability: Error: getaddrinfo ENOTFOUND bedrock.us-east-1.amazonaws.com. This is a network problem, not Bedrock being busy.',
    );
    expect(verdict.nextStep).toMatch(/^Check the network connection, DNS and any proxy/);
  });
});
