import { randomUUID } from 'node:crypto';
import type { OutboxEntry } from '../../src/grants/pair-record.ts';
import {
  TRANSITION_EVENT_SCHEMA,
  type TransitionEvent,
  type VerificationResult,
} from '../../src/grants/types.ts';
import { ACCOUNT, ENABLED_RAW } from '../support/fixtures.ts';

export const VERIFIED: VerificationResult = {
  ok: true,
  via: 'us.amazon.titan-text-express-v1',
  latencyMs: 412,
};

export const DENIED: VerificationResult = {
  ok: false,
  via: 'amazon.titan-text-express-v1',
  cause: 'iam-policy',
  category: 'iam',
  lasting: true,
  explanation: 'The IAM policies of the calling role do not allow bedrock:InvokeModel.',
  nextStep: "Allow bedrock:InvokeModel on the model's ARN, then retry.",
  errorName: 'AccessDeniedException',
  message: 'User is not authorized to perform: bedrock:InvokeModel',
};

/** A `ready` event of the fixtures' pair (record()), with a fresh eventId; `change` applied. */
export function event(change: Partial<TransitionEvent> = {}): TransitionEvent {
  return {
    schema: TRANSITION_EVENT_SCHEMA,
    eventId: randomUUID(),
    kind: 'ready',
    account: ACCOUNT,
    modelId: 'amazon.titan-text-express-v1',
    region: 'us-east-1',
    from: 'IN_PROGRESS',
    to: 'ENABLED',
    observedAt: '2026-11-24T10:05:00.000Z',
    previousSince: '2026-11-24T09:00:00.000Z',
    raw: ENABLED_RAW,
    ...change,
  };
}

/** `claimed` in an outbox, claimed under `claimToken` when it was observed. */
export function entry(claimed: TransitionEvent, claimToken: string): OutboxEntry<TransitionEvent> {
  return { event: claimed, claimedAt: claimed.observedAt, claimToken };
}
