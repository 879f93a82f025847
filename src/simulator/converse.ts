/**
 * Bedrock Runtime Converse (`POST /model/{modelId}/converse`): validates the request as the
 * service does, then answers with the scripted `invoke` result in force for the id the caller
 * named, or else with what the grant of the underlying model implies. A success is a short
 * assistant reply cut at `inferenceConfig.maxTokens`, one word-ish token at a time.
 */
import { requiredMemberMissing, type SimulatedError, validationFailed } from './aws-errors.ts';
import { readJsonObject, type Validated } from './bedrock-validation.ts';
import type { AccountGrants } from './grant-book.ts';
import {
  type InvocationContext,
  invokeResultFromGrant,
  namedError,
  presetError,
  type SettledInvokeResult,
} from './invoke-outcomes.ts';
import type { OperationResult } from './operation-result.ts';
import type { SimTime } from './timeline.ts';
import {
  CONVERSATION_ROLES,
  foundationModelArn,
  modelIdOfInferenceProfile,
} from './wire-vocabulary.ts';

export interface ConverseContext {
  region: string;
  time: SimTime;
  grants: AccountGrants;
  account: string;
  callerArn: string;
  useCaseFormOnFile: boolean;
  /** What the simulator waits before answering; reported as `metrics.latencyMs`. */
  delayMs: number;
}

/** The model a Converse path names, seen the three ways Bedrock sees it. */
export interface InvokedModel {
  /** The model id or inference profile id (ARNs reduced to it): what `invoke` timelines key on. */
  invokedId: string;
  /** The foundation model behind it: whose grant the default follows. */
  modelId: string;
  viaInferenceProfile: boolean;
  /** What IAM evaluates: the foundation-model or inference-profile ARN. */
  resourceArn: string;
}

const FOUNDATION_MODEL_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*::foundation-model\/(.+)$/;
const INFERENCE_PROFILE_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d{12}:inference-profile\/(.+)$/;

/**
 * Reads a model id, a system inference profile id (`us.anthropic...`) or the ARN of either.
 * Undefined for what the simulator does not model (provisioned, custom, imported models,
 * application inference profiles, prompts): Bedrock finds no such model.
 */
export function resolveInvokedModel(
  identifier: string,
  region: string,
  account: string,
): InvokedModel | undefined {
  const invokedId =
    FOUNDATION_MODEL_ARN.exec(identifier)?.[1] ??
    INFERENCE_PROFILE_ARN.exec(identifier)?.[1] ??
    (identifier.startsWith('arn:') ? undefined : identifier);
  if (invokedId === undefined) return undefined;
  const profileOf = modelIdOfInferenceProfile(invokedId);
  if (profileOf !== undefined) {
    return {
      invokedId,
      modelId: profileOf,
      viaInferenceProfile: true,
      resourceArn: `arn:aws:bedrock:${region}:${account}:inference-profile/${invokedId}`,
    };
  }
  return {
    invokedId,
    modelId: invokedId,
    viaInferenceProfile: false,
    resourceArn: foundationModelArn(region, invokedId),
  };
}

/** The reply a successful Converse gives, one output token per piece. */
const REPLY_TOKENS = ['Hello', '!', ' How', ' can', ' I', ' help', ' you', ' today', '?'];

const MUST_START_WITH_USER =
  'A conversation must start with a user message. Try again with a conversation that starts with a user message.';

interface ConverseInput {
  maxTokens: number | undefined;
  /** Characters of text in messages and system prompt, for a plausible inputTokens. */
  textLength: number;
}

function invalid(message: string): { ok: false; error: SimulatedError } {
  return { ok: false, error: { name: 'ValidationException', status: 400, message } };
}

function textLengthOf(blocks: unknown): number {
  if (!Array.isArray(blocks)) return 0;
  return blocks.reduce<number>((sum, block) => {
    const text = (block as { text?: unknown } | null)?.text;
    return sum + (typeof text === 'string' ? text.length : 0);
  }, 0);
}

function checkRange(
  value: unknown,
  member: string,
  min: number,
  max: number | undefined,
  integer: boolean,
): SimulatedError | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || (integer && !Number.isInteger(value))) {
    return validationFailed(
      String(value),
      member,
      `Member must be ${integer ? 'an integer' : 'a number'}`,
    );
  }
  if (value < min) {
    return validationFailed(
      String(value),
      member,
      `Member must have value greater than or equal to ${min}`,
    );
  }
  if (max !== undefined && value > max) {
    return validationFailed(
      String(value),
      member,
      `Member must have value less than or equal to ${max}`,
    );
  }
  return undefined;
}

/** Validates the ConverseRequest body members the simulator reads. */
export function readConverseRequest(body: string): Validated<ConverseInput> {
  const input = readJsonObject(body);
  if (!input.ok) return input;
  const { messages, system, inferenceConfig } = input.value;
  if (messages === undefined || messages === null) {
    return { ok: false, error: requiredMemberMissing('messages') };
  }
  if (!Array.isArray(messages) || messages.length === 0) return invalid(MUST_START_WITH_USER);
  let textLength = textLengthOf(system);
  for (const [i, message] of messages.entries()) {
    const { role, content } = (message ?? {}) as { role?: unknown; content?: unknown };
    if (!(CONVERSATION_ROLES as readonly unknown[]).includes(role)) {
      const constraint = `Member must satisfy enum value set: [${CONVERSATION_ROLES.join(', ')}]`;
      return {
        ok: false,
        error: validationFailed(String(role), `messages.${i + 1}.member.role`, constraint),
      };
    }
    if (i === 0 && role !== 'user') return invalid(MUST_START_WITH_USER);
    if (!Array.isArray(content) || content.length === 0) {
      return invalid(
        `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`,
      );
    }
    textLength += textLengthOf(content);
  }
  const config = (inferenceConfig ?? {}) as Record<string, unknown>;
  const rangeError =
    checkRange(config.maxTokens, 'inferenceConfig.maxTokens', 1, undefined, true) ??
    checkRange(config.temperature, 'inferenceConfig.temperature', 0, 1, false) ??
    checkRange(config.topP, 'inferenceConfig.topP', 0, 1, false);
  if (rangeError) return { ok: false, error: rangeError };
  const maxTokens = typeof config.maxTokens === 'number' ? config.maxTokens : undefined;
  return { ok: true, value: { maxTokens, textLength } };
}

function successBody(input: ConverseInput, latencyMs: number): Record<string, unknown> {
  const outputTokens = Math.min(input.maxTokens ?? REPLY_TOKENS.length, REPLY_TOKENS.length);
  const inputTokens = Math.max(1, Math.ceil(input.textLength / 4));
  return {
    output: {
      message: {
        role: 'assistant',
        content: [{ text: REPLY_TOKENS.slice(0, outputTokens).join('') }],
      },
    },
    stopReason: outputTokens < REPLY_TOKENS.length ? 'max_tokens' : 'end_turn',
    usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    metrics: { latencyMs },
  };
}

/** The result in force: the scripted one for the id as named, else the grant's. */
export function invokeResultFor(
  context: ConverseContext,
  invoked: InvokedModel,
): SettledInvokeResult {
  const scripted = context.grants.scriptedInvoke(context.region, invoked.invokedId, context.time);
  if (scripted && scripted.kind !== 'grant') return scripted;
  return invokeResultFromGrant({
    answer: context.grants.answer(context.region, invoked.modelId, context.time),
    model: context.grants.model(invoked.modelId),
    invokedByModelId: !invoked.viaInferenceProfile,
    useCaseFormOnFile: context.useCaseFormOnFile,
  });
}

export function converse(
  context: ConverseContext,
  identifier: string,
  body: string,
): OperationResult {
  const request = readConverseRequest(body);
  if (!request.ok) return request;
  const invoked = resolveInvokedModel(identifier, context.region, context.account);
  const invocation: InvocationContext = {
    account: context.account,
    callerArn: context.callerArn,
    region: context.region,
    invokedId: invoked?.invokedId ?? identifier,
    resourceArn: invoked?.resourceArn ?? identifier,
  };
  if (!invoked) return { ok: false, error: presetError('invalid-model-id', invocation) };
  const result = invokeResultFor(context, invoked);
  switch (result.kind) {
    case 'ok':
      return { ok: true, body: successBody(request.value, context.delayMs) };
    case 'error':
      return { ok: false, error: namedError(result.name, result.message) };
    case 'preset':
      return { ok: false, error: presetError(result.preset, invocation) };
  }
}
