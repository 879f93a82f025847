/**
 * What Converse answers for one (region, model) at one moment: the errors the Bedrock Runtime
 * model defines for it, the presets that carry the messages users really see (bedrock-facts.md
 * section 3), and the default that follows the grant when no `invoke` timeline is in force.
 */

import { accessDenied, type SimulatedError, THROTTLING_MESSAGE } from './aws-errors.ts';
import type { CatalogModel } from './catalog.ts';
import type { GrantAnswer } from './grant-answers.ts';

/** Converse's errors and their `smithy.api#httpError` codes (com.amazonaws.bedrockruntime). */
export const CONVERSE_ERROR_STATUS = {
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ValidationException: 400,
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  ServiceUnavailableException: 503,
  InternalServerException: 500,
} as const;
export type ConverseErrorName = keyof typeof CONVERSE_ERROR_STATUS;
export const CONVERSE_ERROR_NAMES = Object.keys(CONVERSE_ERROR_STATUS) as [
  ConverseErrorName,
  ...ConverseErrorName[],
];

/** The message of a scripted error name when the scenario gives none. */
const DEFAULT_MESSAGES: Record<ConverseErrorName, string> = {
  AccessDeniedException: "You don't have access to the model with the specified model ID.",
  ResourceNotFoundException: 'The specified model could not be found.',
  ValidationException: 'Malformed input request, please reformat your input and try again.',
  ThrottlingException: THROTTLING_MESSAGE,
  ModelNotReadyException:
    'Model is not ready to serve inference requests. The model may still be loading; retry your request.',
  ModelTimeoutException: 'Model has timed out in processing the request. Try your request again.',
  ModelErrorException: 'The model returned an error. Try your request again.',
  ServiceUnavailableException: 'Service Unavailable. Please try again later.',
  InternalServerException: 'An internal server error occurred. Retry your request.',
};

/**
 * The situations in which real Bedrock refuses an invocation for a lasting reason, each with
 * the message it answers (presetError). Named here, in the simulator's own words: a stand-in
 * that took its vocabulary from the classifier it tests would agree with its mistakes.
 * Transient errors are scripted by their error name.
 */
export const INVOKE_PRESETS = [
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
] as const;
export type InvokePreset = (typeof INVOKE_PRESETS)[number];

export function isInvokePreset(value: string): value is InvokePreset {
  return (INVOKE_PRESETS as readonly string[]).includes(value);
}

/** One `invoke` timeline entry, or the default when none is in force. */
export type InvokeResult =
  | { kind: 'ok' }
  /** What the grant implies (the default), for a timeline that hands control back. */
  | { kind: 'grant' }
  | { kind: 'error'; name: ConverseErrorName; message: string | undefined }
  | { kind: 'preset'; preset: InvokePreset };

/** A result Converse can answer with: `grant` resolved. */
export type SettledInvokeResult = Exclude<InvokeResult, { kind: 'grant' }>;

/** Who called which model: what the IAM and SCP messages name. */
export interface InvocationContext {
  account: string;
  callerArn: string;
  region: string;
  /** The model id or inference profile id as the caller gave it (ARNs reduced to the id). */
  invokedId: string;
  /** The foundation-model or inference-profile ARN IAM evaluates. */
  resourceArn: string;
}

const INVOKE_ACTION = 'bedrock:InvokeModel';

/** The error a preset stands for, with the caller, region and model filled in. */
export function presetError(preset: InvokePreset, context: InvocationContext): SimulatedError {
  const { account, callerArn, invokedId, resourceArn } = context;
  const denied = (message: string): SimulatedError => ({
    name: 'AccessDeniedException',
    status: 403,
    message,
  });
  const notFound = (message: string): SimulatedError => ({
    name: 'ResourceNotFoundException',
    status: 404,
    message,
  });
  const invalid = (message: string): SimulatedError => ({
    name: 'ValidationException',
    status: 400,
    message,
  });
  switch (preset) {
    case 'iam-policy':
      return accessDenied(callerArn, INVOKE_ACTION, resourceArn);
    case 'scp-deny':
      return denied(
        `User: ${callerArn} is not authorized to perform: ${INVOKE_ACTION} on resource: ${resourceArn} with an explicit deny in a service control policy: arn:aws:organizations::${account}:policy/o-exampleorgid/service_control_policy/p-examplepolicyid`,
      );
    case 'marketplace-permissions':
      return denied(
        'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model. Refer to the Amazon Bedrock documentation for further details. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 15 minutes.',
      );
    case 'subscription-processing':
      // AWS's troubleshooting page (MPAgreementBeingCreated) words it so: note that it starts
      // with the account-not-allowed sentence.
      return denied(
        'Your account is not authorized to access this model. Your AWS Marketplace subscription for this model is still being processed.',
      );
    case 'use-case-form':
      return notFound(
        'Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model. If you have already filled out the form, try again in 15 minutes.',
      );
    case 'legacy-model':
      return notFound(
        'Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock',
      );
    case 'end-of-life':
      return notFound(
        'This model version has reached the end of its life. Please refer to the AWS documentation for more details.',
      );
    case 'needs-inference-profile':
      return invalid(
        `Invocation of model ID ${invokedId} with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`,
      );
    case 'invalid-model-id':
      return invalid('The provided model identifier is invalid.');
    case 'account-not-allowed':
      return denied('Your account is not authorized to access this model.');
    case 'model-access-denied':
      return denied("You don't have access to the model with the specified model ID.");
  }
}

/** A scripted error name with its modelled status and the given (or a default) message. */
export function namedError(name: ConverseErrorName, message: string | undefined): SimulatedError {
  return { name, status: CONVERSE_ERROR_STATUS[name], message: message ?? DEFAULT_MESSAGES[name] };
}

/** What the grant implies for an invocation, checked in the order Bedrock's gates apply. */
export interface GrantFacts {
  answer: GrantAnswer;
  /** The catalog entry of the underlying model, if the simulator knows it. */
  model: CatalogModel | undefined;
  /** True when the caller named the model itself, not an inference profile. */
  invokedByModelId: boolean;
  useCaseFormOnFile: boolean;
}

export function invokeResultFromGrant(facts: GrantFacts): SettledInvokeResult {
  const { answer, model } = facts;
  if (answer.kind === 'notFound') {
    return answer.message === undefined
      ? { kind: 'preset', preset: 'invalid-model-id' }
      : { kind: 'error', name: 'ResourceNotFoundException', message: answer.message };
  }
  const { fields } = answer;
  if (fields.region === 'NOT_AVAILABLE' || !model) {
    return { kind: 'preset', preset: 'invalid-model-id' };
  }
  if (facts.invokedByModelId && !model.inferenceTypesSupported.includes('ON_DEMAND')) {
    return { kind: 'preset', preset: 'needs-inference-profile' };
  }
  if (fields.authorization === 'NOT_AUTHORIZED') {
    return { kind: 'preset', preset: 'account-not-allowed' };
  }
  if (model.id.startsWith('anthropic.') && !facts.useCaseFormOnFile) {
    return { kind: 'preset', preset: 'use-case-form' };
  }
  switch (fields.agreement) {
    case 'ERROR':
      return { kind: 'preset', preset: 'marketplace-permissions' };
    case 'PENDING':
      return { kind: 'preset', preset: 'subscription-processing' };
    case 'NOT_AVAILABLE':
      return { kind: 'preset', preset: 'model-access-denied' };
    case 'AVAILABLE':
      break;
  }
  if (fields.entitlement === 'NOT_AVAILABLE') {
    return { kind: 'preset', preset: 'model-access-denied' };
  }
  return { kind: 'ok' };
}
