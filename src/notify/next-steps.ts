import type { GrantState, TransitionEvent, VerificationResult } from '../grants/types.ts';

/** What a person should do about the new state, in one or two sentences. */
export function nextStep(
  event: Pick<TransitionEvent, 'to' | 'region' | 'raw' | 'verification'>,
): string {
  // A failed verification call knows better than the grant what stands in the way.
  if (event.verification !== undefined && !event.verification.ok)
    return event.verification.nextStep;
  const advice: Record<GrantState, string> = {
    ENABLED: `Invoke the model in ${event.region}. If calls still fail with AccessDeniedException, the cause is IAM or an SCP (bedrock:InvokeModel), or the model needs an inference profile id.`,
    IN_PROGRESS:
      'The AWS Marketplace subscription is being processed; it can take up to 15 minutes. Nothing to do: another alert follows when it is ready.',
    NOT_ENABLED:
      'Access is not granted. For a third-party model, a first invocation by a principal allowed aws-marketplace:Subscribe and aws-marketplace:ViewSubscriptions starts the subscription; for Anthropic models, submit the use-case form once per account.',
    FAILED: `The agreement failed${event.raw.agreementError ? `: ${event.raw.agreementError.replace(/\.$/, '')}` : ''}. Check the AWS Marketplace subscription and the payment method of the account, then request access again.`,
    NOT_AUTHORIZED:
      'Bedrock reports this account as not authorized for the model. This is not your IAM policy: check the AWS Marketplace subscription, then contact AWS Support.',
    NOT_OFFERED: `The model is not offered in ${event.region}. Use a region that offers it, or a cross-region inference profile.`,
  };
  return advice[event.to];
}

/** The Bedrock console page for a region (GovCloud has its own console domain). */
export function consoleLink(region: string): string {
  const host = region.startsWith('us-gov-')
    ? 'console.amazonaws-us-gov.com'
    : `${region}.console.aws.amazon.com`;
  return `https://${host}/bedrock/home?region=${region}#/model-catalog`;
}

/** One line on the verification call: it worked, or why it did not. */
export function describeVerification(verification: VerificationResult): string {
  if (verification.ok) {
    return `verified: a 1-token call through ${verification.via} succeeded in ${verification.latencyMs} ms.`;
  }
  const error =
    verification.errorName === null
      ? verification.message
      : `${verification.errorName}: ${verification.message}`;
  return `Bedrock reports Enabled, but a 1-token call through ${verification.via} fails (${verification.cause}): ${verification.explanation} Bedrock said: ${error}`;
}
