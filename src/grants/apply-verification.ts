import type { Decision } from './decide-next.ts';
import type { TransitionKind, VerificationResult } from './types.ts';

/**
 * Attaches a verification call's result to a `ready` transition. A failure with a lasting
 * cause turns it into `blocked`: Bedrock says ENABLED, yet the model cannot be invoked.
 * A transient failure keeps `ready`, with the failure shown, so no access change is hidden.
 */
export function applyVerification(
  decision: Extract<Decision, { type: 'transition' }>,
  verification: VerificationResult,
  notify: ReadonlySet<TransitionKind>,
): Extract<Decision, { type: 'transition' }> {
  const kind: TransitionKind =
    !verification.ok && verification.lasting ? 'blocked' : decision.event.kind;
  const event = { ...decision.event, kind, verification };
  const publish = notify.has(kind);
  const outbox = decision.next.outbox.map((entry) =>
    entry.event.eventId === event.eventId ? { ...entry, event, publish } : entry,
  );
  return { ...decision, event, publish, next: { ...decision.next, outbox } };
}
