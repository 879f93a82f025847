import {
  AccessDeniedException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, it } from 'vitest';
import {
  ACCESS_CAUSES,
  type AccessCauseName,
  classifyAccessError,
  describeCause,
} from '../../src/verify/access-cause.ts';

const PRINCIPAL = 'arn:aws:sts::123456789012:assumed-role/app/session';
const MODEL_ARN =
  'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0';

interface Row {
  title: string;
  error: { name?: string; message?: string; status?: number; code?: string };
  cause: AccessCauseName;
}

// Every message of bedrock-facts.md section 3, written out as Bedrock sends it.
const REAL_MESSAGES: Row[] = [
  {
    title: 'Marketplace actions missing for the caller',
    error: {
      name: 'AccessDeniedException',
      status: 403,
      message:
        'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model. Refer to the Amazon Bedrock documentation for further details. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 15 minutes.',
    },
    cause: 'marketplace-permissions',
  },
  {
    title: 'Marketplace subscription still being processed',
    error: {
      name: 'AccessDeniedException',
      status: 403,
      message:
        'Your account is not authorized to access this model. Your AWS Marketplace subscription for this model is still being processed. Try again after 15 minutes.',
    },
    cause: 'subscription-processing',
  },
  {
    title: 'Marketplace agreement pending',
    error: {
      name: 'AccessDeniedException',
      status: 403,
      message: 'AWS Marketplace Agreement Pending after 15 minutes.',
    },
    cause: 'subscription-processing',
  },
  {
    title: 'no identity-based policy allows bedrock:InvokeModel',
    error: {
      name: 'AccessDeniedException',
      status: 403,
      message: `User: ${PRINCIPAL} is not authorized to perform: bedrock:InvokeModel on resource: ${MODEL_ARN} because no identity-based policy allows the bedrock:InvokeModel action`,
    },
    cause: 'iam-policy',
  },
  {
    title: 'explicit deny in a service control policy',
    error: {
      name: 'AccessDeniedException',
      status: 403,
      message: `User: ${PRINCIPAL} is not authorized to perform: bedrock:InvokeModel on resource: ${MODEL_ARN} with an explicit deny in a service control policy: arn:aws:organizations::123456789012:policy/o-abc/service_control_policy/p-123`,
    },
    cause: 'scp-deny',
  },
  {
    title: 'pre-2025 model access wording',
    error: {
      name: 'AccessDeniedException',
      status: 403,
      message: "You don't have access to the model with the specified model ID.",
    },
    cause: 'model-access-denied',
  },
  {
    title: 'account not authorized by AWS',
    error: {
      name: 'AccessDeniedException',
      status: 403,
      message: 'Your account is not authorized to access this model',
    },
    cause: 'account-not-allowed',
  },
  {
    title: 'Anthropic use-case form not submitted',
    error: {
      name: 'ResourceNotFoundException',
      status: 404,
      message:
        'Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model.',
    },
    cause: 'use-case-form',
  },
  {
    title: 'model version at end of life',
    error: {
      name: 'ResourceNotFoundException',
      status: 404,
      message:
        'This model version has reached the end of its life. Please refer to the AWS documentation for more details.',
    },
    cause: 'end-of-life',
  },
  {
    title: 'legacy model not used in the last 30 days',
    error: {
      name: 'ResourceNotFoundException',
      status: 404,
      message:
        'Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 30 days. Please upgrade to an active model on Amazon Bedrock',
    },
    cause: 'legacy-model',
  },
  {
    title: 'on-demand throughput not supported, curly apostrophe as Bedrock sends it',
    error: {
      name: 'ValidationException',
      status: 400,
      message:
        'Invocation of model ID anthropic.claude-3-7-sonnet-20250219-v1:0 with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.',
    },
    cause: 'needs-inference-profile',
  },
  {
    title: 'on-demand throughput not supported, straight apostrophe',
    error: {
      name: 'ValidationException',
      status: 400,
      message:
        "Invocation of model ID anthropic.claude-3-7-sonnet-20250219-v1:0 with on-demand throughput isn't supported. Retry your request with the ID or ARN of an inference profile that contains this model.",
    },
    cause: 'needs-inference-profile',
  },
  {
    title: 'invalid model identifier',
    error: {
      name: 'ValidationException',
      status: 400,
      message: 'The provided model identifier is invalid.',
    },
    cause: 'invalid-model-id',
  },
];

// Other wordings seen in public reports of the same causes.
const VARIANTS: Row[] = [
  {
    title: 'Marketplace action named in an IAM-style denial',
    error: {
      name: 'AccessDeniedException',
      status: 403,
      message: `Model access is denied due to User: ${PRINCIPAL} is not authorized to perform: aws-marketplace:ViewSubscriptions on resource: * because no identity-based policy allows the aws-marketplace:ViewSubscriptions action. Your AWS Marketplace subscription for this model cannot be completed at this time. If you recently fixed this issue, try again after 15 minutes.`,
    },
    cause: 'marketplace-permissions',
  },
  {
    title: 'legacy model not used in the last 15 days',
    error: {
      name: 'ResourceNotFoundException',
      status: 404,
      message:
        'Access denied. This Model is marked by provider as Legacy and you have not been actively using the model in the last 15 days. Please upgrade to an active model on Amazon Bedrock',
    },
    cause: 'legacy-model',
  },
  {
    title: 'the first sentence alone of the on-demand message, curly apostrophe',
    error: {
      name: 'ValidationException',
      status: 400,
      message:
        'Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand throughput isn\u2019t supported.',
    },
    cause: 'needs-inference-profile',
  },
  {
    title: 'model id that fails the modelId pattern',
    error: {
      name: 'ValidationException',
      status: 400,
      message:
        "1 validation error detected: Value 'anthropic.claude-v2:0:100k' at 'modelId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))",
    },
    cause: 'invalid-model-id',
  },
  {
    title: 'SCP deny on the streaming action through an inference profile',
    error: {
      name: 'AccessDeniedException',
      status: 403,
      message: `User: ${PRINCIPAL} is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:::foundation-model/anthropic.claude-opus-4-6-v1 with an explicit deny in a service control policy: arn:aws:organizations::123456789012:policy/o-abc/service_control_policy/p-123`,
    },
    cause: 'scp-deny',
  },
  {
    title: 'explicit deny in a permissions boundary',
    error: {
      name: 'AccessDeniedException',
      status: 403,
      message: `User: ${PRINCIPAL} is not authorized to perform: bedrock:InvokeModel on resource: ${MODEL_ARN} with an explicit deny in a permissions boundary`,
    },
    cause: 'iam-policy',
  },
  {
    title: 'error name MPAgreementBeingCreated',
    error: { name: 'MPAgreementBeingCreated', status: 403, message: 'Access denied.' },
    cause: 'subscription-processing',
  },
  {
    title: 'error name FTUFormNotFilled',
    error: { name: 'FTUFormNotFilled', status: 404 },
    cause: 'use-case-form',
  },
  {
    title: 'error name BadCScoreException',
    error: { name: 'BadCScoreException', status: 403 },
    cause: 'account-not-allowed',
  },
];

const TRANSIENT: Row[] = [
  ['ThrottlingException', 429, 'Too many requests, please wait before trying again.'],
  ['ModelNotReadyException', 429, 'Model is not ready for inference. Wait and try again.'],
  ['ModelTimeoutException', 408, 'Model has timed out in processing the request.'],
  ['ModelErrorException', 424, 'The model encountered an error processing the request.'],
  ['ServiceUnavailableException', 503, 'Bedrock is unable to process your request.'],
  ['InternalServerException', 500, 'The server encountered an internal error.'],
  ['TimeoutError', undefined, 'Connection timed out after 5000 ms'],
  ['AbortError', undefined, 'Request aborted'],
].map(([name, status, message]) => ({
  title: `${name}`,
  error: { name: name as string, status: status as number | undefined, message: message as string },
  cause: 'transient' as const,
}));

const TRANSIENT_WITHOUT_A_KNOWN_NAME: Row[] = [
  {
    title: 'a connection reset (code ECONNRESET)',
    error: { name: 'Error', code: 'ECONNRESET', message: 'read ECONNRESET' },
    cause: 'transient',
  },
  {
    title: 'a connection reset named only in the message',
    error: { name: 'Error', message: 'socket hang up' },
    cause: 'transient',
  },
  {
    title: 'an unknown error name with a 502',
    error: { name: 'BadGatewayException', status: 502, message: 'Bad Gateway' },
    cause: 'transient',
  },
  {
    title: 'a 500 with no name and no message',
    error: { status: 500 },
    cause: 'transient',
  },
];

const UNKNOWN: Row[] = [
  {
    title: 'a ValidationException about the request body',
    error: {
      name: 'ValidationException',
      status: 400,
      message:
        'The model returned the following errors: Malformed input request: #: extraneous key [foo] is not permitted, please reformat your input and try again.',
    },
    cause: 'unknown',
  },
  {
    title: 'an AccessDeniedException with no message',
    error: { name: 'AccessDeniedException', status: 403 },
    cause: 'unknown',
  },
  {
    title: 'expired credentials',
    error: {
      name: 'ExpiredTokenException',
      status: 403,
      message: 'The security token included in the request is expired',
    },
    cause: 'unknown',
  },
];

const ALL_ROWS = [
  ...REAL_MESSAGES,
  ...VARIANTS,
  ...TRANSIENT,
  ...TRANSIENT_WITHOUT_A_KNOWN_NAME,
  ...UNKNOWN,
];

describe('classifyAccessError', () => {
  describe.each([
    ['the real messages of bedrock-facts.md', REAL_MESSAGES],
    ['other wordings of the same causes', VARIANTS],
    ['transient error names', TRANSIENT],
    ['transient failures without a known name', TRANSIENT_WITHOUT_A_KNOWN_NAME],
    ['errors it does not recognise', UNKNOWN],
  ])('%s', (_group, rows) => {
    it.each(rows)('classifies $title as $cause', ({ error, cause }) => {
      const result = classifyAccessError(error);

      expect(result.cause).toBe(cause);
    });
  });

  it('produces every cause from at least one of the rows above', () => {
    const produced = new Set(ALL_ROWS.map((row) => classifyAccessError(row.error).cause));

    expect([...produced].sort()).toEqual([...ACCESS_CAUSES].sort());
  });

  it('reads name, message and status from an SDK exception', () => {
    const $metadata = { httpStatusCode: 403, requestId: 'b0e1f9a2-0000-4000-8000-000000000001' };
    const scp = new AccessDeniedException({
      $metadata,
      message: `User: ${PRINCIPAL} is not authorized to perform: bedrock:InvokeModel on resource: ${MODEL_ARN} with an explicit deny in a service control policy: arn:aws:organizations::123456789012:policy/o-abc/service_control_policy/p-123`,
    });
    const form = new ResourceNotFoundException({
      $metadata: { ...$metadata, httpStatusCode: 404 },
      message:
        'Model use case details have not been submitted for this account. Fill out the Anthropic use case details form before using the model.',
    });
    const profile = new ValidationException({
      $metadata: { ...$metadata, httpStatusCode: 400 },
      message:
        'Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.',
    });
    const busy = new ServiceUnavailableException({
      $metadata: { ...$metadata, httpStatusCode: 503 },
      message: 'Service unavailable',
    });

    const causes = [scp, form, profile, busy].map((error) => classifyAccessError(error).cause);

    expect(causes).toEqual(['scp-deny', 'use-case-form', 'needs-inference-profile', 'transient']);
  });

  it('takes the status from $metadata.httpStatusCode when there is no status field', () => {
    const error = { name: 'SomeNewException', message: '', $metadata: { httpStatusCode: 429 } };

    expect(classifyAccessError(error).cause).toBe('transient');
  });

  describe('precedence', () => {
    it('lets an SCP deny win over IAM, though its message also says "not authorized to perform"', () => {
      const row = REAL_MESSAGES.find((r) => r.cause === 'scp-deny');

      expect(row?.error.message).toContain('is not authorized to perform');
      expect(classifyAccessError(row?.error).category).toBe('iam');
      expect(classifyAccessError(row?.error).cause).toBe('scp-deny');
    });

    it('lets missing Marketplace actions win over IAM when the denial names aws-marketplace:', () => {
      const row = VARIANTS.find((r) => r.title.startsWith('Marketplace action named'));

      expect(row?.error.message).toContain('no identity-based policy allows');
      expect(classifyAccessError(row?.error).cause).toBe('marketplace-permissions');
    });

    it('does not read "subscription cannot be completed" as a subscription in progress', () => {
      const result = classifyAccessError(REAL_MESSAGES[0]?.error);

      expect(result.cause).toBe('marketplace-permissions');
      expect(result.lasting).toBe(true);
    });

    it('lets a subscription in progress win over "your account is not authorized to access this model"', () => {
      const result = classifyAccessError({
        name: 'AccessDeniedException',
        message:
          'Your account is not authorized to access this model. Your AWS Marketplace subscription for this model is still being processed.',
      });

      expect(result.cause).toBe('subscription-processing');
      expect(result.lasting).toBe(false);
    });

    it('treats a throttled call as transient whatever its message says', () => {
      const result = classifyAccessError({
        name: 'ThrottlingException',
        status: 429,
        message: 'Your account is not authorized to access this model',
      });

      expect(result.cause).toBe('transient');
    });
  });

  describe('what a person reads', () => {
    it('says model access, not IAM, for a Marketplace denial, and IAM for a policy denial', () => {
      const marketplace = classifyAccessError(REAL_MESSAGES[0]?.error);
      const iam = classifyAccessError(REAL_MESSAGES.find((r) => r.cause === 'iam-policy')?.error);

      expect(marketplace.category).toBe('model-access');
      expect(marketplace.nextStep).toContain('aws-marketplace:Subscribe');
      expect(iam.category).toBe('iam');
      expect(iam.nextStep).toContain('bedrock:InvokeModel');
    });

    it('tells the user to submit the use-case form and to use an inference profile', () => {
      const form = classifyAccessError(
        REAL_MESSAGES.find((r) => r.cause === 'use-case-form')?.error,
      );
      const profile = classifyAccessError(
        REAL_MESSAGES.find((r) => r.cause === 'needs-inference-profile')?.error,
      );

      expect(form.nextStep).toBe(
        "Submit the Anthropic use-case form once for the account (or the organization's management account) in the Bedrock console, then retry.",
      );
      expect(profile.nextStep).toContain('us.<model id>');
      expect(profile.nextStep).toContain('verify: { inferenceProfile: ... }');
    });

    it('keeps the original name, status and message of an error it does not recognise', () => {
      const result = classifyAccessError(UNKNOWN[0]?.error);

      expect(result).toEqual({
        cause: 'unknown',
        category: 'unknown',
        lasting: true,
        explanation:
          'Bedrock refused the call with an error this monitor does not recognise: ValidationException, HTTP 400: The model returned the following errors: Malformed input request: #: extraneous key [foo] is not permitted, please reformat your input and try again.',
        nextStep: expect.stringContaining('troubleshooting-api-error-codes'),
      });
    });

    it('says "no message" for an error without one', () => {
      const result = classifyAccessError({ name: 'AccessDeniedException', status: 403 });

      expect(result.explanation).toBe(
        'Bedrock refused the call with an error this monitor does not recognise: AccessDeniedException, HTTP 403: no message',
      );
    });

    it('still answers for something that is not an error object at all', () => {
      expect(classifyAccessError(undefined).explanation).toMatch(/: no message$/);
      expect(classifyAccessError('boom').explanation).toMatch(/: boom$/);
    });

    it('keeps a long, multi-line message on one line', () => {
      const result = classifyAccessError({
        name: 'Weird',
        message: `first\nsecond ${'x'.repeat(500)}`,
      });

      expect(result.explanation).not.toContain('\n');
      expect(result.explanation).toContain('Weird: first second xxx');
      expect(result.explanation.length).toBeLessThan(400);
    });

    it.each(ACCESS_CAUSES)(
      'describes %s in one line of explanation and one of next step',
      (cause) => {
        const described = describeCause(cause);

        expect(described.cause).toBe(cause);
        expect(described.explanation).toMatch(/^[A-Z][^\n]+\.$/);
        expect(described.nextStep).toMatch(/^[A-Z][^\n]+\.$/);
      },
    );

    it('gives each cause its own explanation and next step', () => {
      const explanations = new Set(ACCESS_CAUSES.map((c) => describeCause(c).explanation));
      const nextSteps = new Set(ACCESS_CAUSES.map((c) => describeCause(c).nextStep));

      expect(explanations.size).toBe(ACCESS_CAUSES.length);
      expect(nextSteps.size).toBe(ACCESS_CAUSES.length);
    });

    it('marks only transient causes and a subscription in progress as not lasting', () => {
      const notLasting = ACCESS_CAUSES.filter((c) => !describeCause(c).lasting);

      expect(notLasting).toEqual(['subscription-processing', 'transient']);
    });
  });
});
