/**
 * Why a verification call (`Converse` with `maxTokens: 1`) failed, in words a person can act on.
 * The messages matched here are Bedrock's own (see bedrock-facts.md, section 3); the fragments are
 * the stable parts of each, lower-cased and with curly apostrophes made straight.
 */
import { mentionsNetworkFailure, NETWORK_ERROR_CODES } from '../bedrock/network-errors.ts';

export const ACCESS_CAUSES = [
  'iam-policy',
  'scp-deny',
  'marketplace-permissions',
  'subscription-processing',
  'use-case-form',
  'legacy-model',
  'end-of-life',
  'needs-inference-profile',
  'invalid-model-id',
  'account-not-allowed',
  'model-access-denied',
  'transient',
  'unknown',
] as const;

export type AccessCauseName = (typeof ACCESS_CAUSES)[number];

/** Drives the verdict: "This is model access, not IAM" versus "This is IAM". */
export type AccessCauseCategory = 'model-access' | 'iam' | 'model-id' | 'transient' | 'unknown';

export interface AccessCause {
  cause: AccessCauseName;
  category: AccessCauseCategory;
  /** False when retrying later may succeed with nothing changed; a lasting cause blocks the model. */
  lasting: boolean;
  /** One line, plain words. */
  explanation: string;
  /** One line: what to do. */
  nextStep: string;
}

/** What `classifyAccessError` reads from an error; an SDK exception fits as it is. */
export interface AccessErrorLike {
  name?: string;
  message?: string;
  status?: number;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

const TROUBLESHOOTING_PAGE =
  'https://docs.aws.amazon.com/bedrock/latest/userguide/troubleshooting-api-error-codes.html';

/** The documentation of every cause: what it means and what to do about it. */
const CAUSE_TABLE: Record<AccessCauseName, Omit<AccessCause, 'cause'>> = {
  'iam-policy': {
    category: 'iam',
    lasting: true,
    explanation:
      'The IAM policies of the calling role or user (identity-based policy, permissions boundary or session policy) do not allow bedrock:InvokeModel on this model.',
    nextStep:
      "Allow bedrock:InvokeModel on the model's ARN (and on the inference profile's ARN, if you call through one) for the principal that makes the call, remove any explicit deny, then retry.",
  },
  'scp-deny': {
    category: 'iam',
    lasting: true,
    explanation:
      'An AWS Organizations policy (service or resource control policy) explicitly denies the call; no IAM policy in this account can override it.',
    nextStep:
      "Ask the organization's administrators to exempt this model, region or role from the control policy named in the error, then retry.",
  },
  'marketplace-permissions': {
    category: 'model-access',
    lasting: true,
    explanation:
      'The AWS Marketplace subscription for this model has not been made, and the caller lacks aws-marketplace:Subscribe and aws-marketplace:ViewSubscriptions to start it.',
    nextStep:
      'Invoke the model once as a principal allowed aws-marketplace:Subscribe and aws-marketplace:ViewSubscriptions (or grant both to this role), wait up to 2 minutes, then retry.',
  },
  'subscription-processing': {
    category: 'model-access',
    lasting: false,
    explanation:
      'The AWS Marketplace subscription for this model has started but is still being processed; it can take up to 15 minutes.',
    nextStep:
      'Nothing to change: retry in 15 minutes, and contact AWS Support if the agreement is still pending after that.',
  },
  'use-case-form': {
    category: 'model-access',
    lasting: true,
    explanation:
      'The Anthropic first-time-use form (use case details) has not been submitted for this account.',
    nextStep:
      "Submit the Anthropic use-case form once for the account (or the organization's management account) in the Bedrock console, then retry.",
  },
  'legacy-model': {
    category: 'model-access',
    lasting: true,
    explanation:
      'The provider has marked this model Legacy, and Bedrock refuses accounts that have not used it recently.',
    nextStep:
      'Move to an active version of the model (see the Bedrock model lifecycle page); if you must keep this one, ask AWS Support.',
  },
  'end-of-life': {
    category: 'model-id',
    lasting: true,
    explanation: 'This model version has reached its end of life and can no longer be invoked.',
    nextStep:
      'Replace it with its successor (see the Bedrock model lifecycle page) and update the model id in the config.',
  },
  'needs-inference-profile': {
    category: 'model-id',
    lasting: true,
    explanation:
      'This model cannot be invoked on demand by its model id, only through an inference profile.',
    nextStep:
      'Invoke through a cross-region inference profile id such as us.<model id>, and set `verify: { inferenceProfile: ... }` in the config.',
  },
  'invalid-model-id': {
    category: 'model-id',
    lasting: true,
    explanation: 'Bedrock does not recognise this model identifier in this region.',
    nextStep:
      'Check the exact model id (with its version suffix, such as -v1:0) against ListFoundationModels for this region, and fix it in the config.',
  },
  'account-not-allowed': {
    category: 'model-access',
    lasting: true,
    explanation:
      'Bedrock has not authorized this account for the model; this is decided by AWS, not by your IAM policies.',
    nextStep: 'Contact AWS Support about the account and the model; changing IAM will not help.',
  },
  'model-access-denied': {
    category: 'model-access',
    lasting: true,
    explanation:
      'The account has no access grant for this model in this region (the wording of the model access flow used before October 2025).',
    nextStep:
      'Request access to the model in this region (Bedrock console or CreateFoundationModelAgreement), wait until it is Enabled, then retry.',
  },
  transient: {
    category: 'transient',
    lasting: false,
    explanation:
      'Bedrock was busy, the model was not ready, or the call timed out; this says nothing about access.',
    nextStep: 'Nothing to change: the next check retries the call.',
  },
  unknown: {
    category: 'unknown',
    lasting: true,
    explanation: 'Bedrock refused the call with an error this monitor does not recognise.',
    nextStep: `Read the error message and look it up on the Bedrock troubleshooting page (${TROUBLESHOOTING_PAGE}).`,
  },
};

/** The table entry for a cause, without a particular error's details. */
export function describeCause(cause: AccessCauseName): AccessCause {
  return { cause, ...CAUSE_TABLE[cause] };
}

// Error names that say nothing about access: retrying later may succeed.
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ModelNotReadyException',
  'ModelTimeoutException',
  'ModelErrorException',
  'ServiceUnavailableException',
  'InternalServerException',
  'InternalFailure',
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = NETWORK_ERROR_CODES;
const TRANSIENT_STATUSES = new Set([408, 424, 429]);

// Documented by the Bedrock troubleshooting page; the SDK may surface them as the error's name.
const CAUSE_BY_NAME = new Map<string, AccessCauseName>([
  ['MPAgreementBeingCreated', 'subscription-processing'],
  ['FTUFormNotFilled', 'use-case-form'],
  ['BadCScoreException', 'account-not-allowed'],
]);

/**
 * Message fragments, most specific first: an SCP or Marketplace denial also says "is not
 * authorized to perform", and a subscription still processing also says "your account is not
 * authorized to access this model".
 */
const CAUSE_BY_MESSAGE: ReadonlyArray<readonly [AccessCauseName, RegExp]> = [
  ['scp-deny', /explicit deny in an? (service|resource) control policy/],
  ['marketplace-permissions', /aws-marketplace:(subscribe|viewsubscriptions)/],
  [
    'subscription-processing',
    /marketplace subscription for this model is still being processed|marketplace agreement pending/,
  ],
  ['use-case-form', /use[- ]case details (have not been submitted|form)/],
  ['legacy-model', /marked by (the )?provider as legacy/],
  ['end-of-life', /reached (the )?end of (its )?life/],
  [
    'needs-inference-profile',
    /on-demand throughput (isn't|is not) supported|id or arn of an inference profile/,
  ],
  [
    'invalid-model-id',
    /provided model identifier is invalid|at 'modelid' failed to satisfy constraint/,
  ],
  ['iam-policy', /is not authorized to perform|no identity-based policy allows/],
  ['account-not-allowed', /your account is not authorized to access this model/],
  [
    'model-access-denied',
    /(don't|do not) have (access|permission to access) (to )?the model with the specified model id/,
  ],
];

/**
 * Sorts an error from a verification call into one cause with its explanation and next step.
 * Accepts `{ name, message, status }` or an SDK exception (`$metadata.httpStatusCode`).
 */
export function classifyAccessError(error: unknown): AccessCause {
  const e = (typeof error === 'object' && error !== null ? error : {}) as AccessErrorLike;
  const name = typeof e.name === 'string' && e.name !== '' ? e.name : null;
  const message =
    typeof e.message === 'string'
      ? e.message.trim()
      : typeof error === 'string'
        ? error.trim()
        : '';
  const status = typeof e.status === 'number' ? e.status : e.$metadata?.httpStatusCode;
  const code = typeof e.code === 'string' ? e.code : null;

  if (name !== null && TRANSIENT_NAMES.has(name)) return describeCause('transient');
  const byName = name === null ? undefined : CAUSE_BY_NAME.get(name);
  if (byName !== undefined) return describeCause(byName);

  const text = normalise(message);
  for (const [cause, pattern] of CAUSE_BY_MESSAGE) {
    if (pattern.test(text)) return describeCause(cause);
  }

  if (code !== null && NETWORK_CODES.includes(code)) return describeCause('transient');
  if (mentionsNetworkFailure(message)) return describeCause('transient');
  if (status !== undefined && (TRANSIENT_STATUSES.has(status) || status >= 500)) {
    return describeCause('transient');
  }
  return unknownCause(name, status, message);
}

/** Lower-cased, apostrophes made straight (Bedrock writes "isn’t"), whitespace collapsed. */
function normalise(message: string): string {
  return message
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc\u2032`]/g, "'")
    .replace(/\s+/g, ' ');
}

function unknownCause(
  name: string | null,
  status: number | undefined,
  message: string,
): AccessCause {
  const base = describeCause('unknown');
  const label = [name, status === undefined ? null : `HTTP ${status}`]
    .filter((part) => part !== null)
    .join(', ');
  const detail = message === '' ? 'no message' : oneLine(message);
  const what = label === '' ? detail : `${label}: ${detail}`;
  return { ...base, explanation: `${base.explanation.replace(/\.$/, '')}: ${what}` };
}

const MAX_DETAIL = 300;

// The explanation stays on one line, however long or multi-line the original message.
function oneLine(message: string): string {
  const flat = message.replace(/\s+/g, ' ');
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL - 1)}…` : flat;
}
