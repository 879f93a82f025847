import { describe, expect, it } from 'vitest';
import { applyVerification } from '../../src/grants/apply-verification.ts';
import { type Decision, decideNext } from '../../src/grants/decide-next.ts';
import type { TransitionKind, VerificationResult } from '../../src/grants/types.ts';
import { ENABLED_RAW, record } from '../support/fixtures.ts';

const NOTIFY = new Set<TransitionKind>(['ready', 'revoked', 'failed', 'blocked']);
const denied: VerificationResult = {
  ok: false,
  via: 'amazon.nova-pro-v1:0',
  cause: 'iam-policy',
  category: 'iam',
  lasting: true,
  explanation: 'No identity-based policy allows bedrock:InvokeModel.',
  nextStep: 'Allow bedrock:InvokeModel on the model.',
  errorName: 'AccessDeniedException',
  message: 'User: ... is not authorized to perform: bedrock:InvokeModel',
};

function readyDecision(): Extract<Decision, { type: 'transition' }> {
  const decision = decideNext(
    record({ state: 'IN_PROGRESS' }),
    {
      account: '123456789012',
      region: 'us-east-1',
      modelId: 'amazon.titan-text-express-v1',
      state: 'ENABLED',
      raw: ENABLED_RAW,
      notFound: null,
      observedAt: '2026-11-24T12:00:00.000Z',
    },
    { confirmRevocation: 2, notify: new Set(['ready', 'revoked', 'failed']) },
  );
  if (decision.type !== 'transition') throw new Error('expected a transition');
  return decision;
}

describe('applyVerification', () => {
  it('keeps ready and records a successful call', () => {
    const result = applyVerification(
      readyDecision(),
      { ok: true, via: 'x', latencyMs: 412 },
      NOTIFY,
    );

    expect(result.event).toMatchObject({
      kind: 'ready',
      verification: { ok: true, latencyMs: 412 },
    });
    expect(result.next.outbox.at(-1)?.event).toEqual(result.event);
  });

  it('turns ready into blocked when the call fails for a lasting cause, and publishes it', () => {
    const decision = readyDecision();

    const result = applyVerification(decision, denied, NOTIFY);

    expect(result.event).toMatchObject({
      kind: 'blocked',
      eventId: decision.event.eventId,
      verification: denied,
    });
    expect(result.publish).toBe(true);
    expect(result.next.outbox).toEqual([
      { event: result.event, publish: true, claimedAt: '2026-11-24T12:00:00.000Z' },
    ]);
  });

  it('keeps ready when the cause passes, and leaves blocked unpublished when notify omits it', () => {
    const transient = applyVerification(
      readyDecision(),
      { ...denied, cause: 'transient', lasting: false },
      NOTIFY,
    );
    const quiet = applyVerification(readyDecision(), denied, new Set<TransitionKind>(['ready']));

    expect(transient.event.kind).toBe('ready');
    expect(quiet.event.kind).toBe('blocked');
    expect(quiet.publish).toBe(false);
    expect(quiet.next.outbox.at(-1)?.publish).toBe(false);
  });
});
