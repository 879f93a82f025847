/**
 * The calls behind `diagnose`, one function per troubleshooting step. Each step always
 * resolves: a failed call is part of its result, never an exception, except missing
 * credentials, which stop the command before anything is billed.
 */
import {
  type BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelCommand,
  GetUseCaseForModelAccessCommand,
} from '@aws-sdk/client-bedrock';
import {
  isNoCredentialsError,
  noCredentialsError,
  rethrowIfNoCredentials,
} from '../aws/no-credentials.ts';
import { classifyCheckError } from '../bedrock/classify-error.ts';
import { NOT_FOUND_RAW, parseAvailabilityAnswer } from '../bedrock/parse-availability.ts';
import { deriveGrantState } from '../grants/grant-state.ts';
import { ACCESS_CAUSES, type AccessCauseName, describeCause } from '../verify/access-cause.ts';
import type { Verifier } from '../verify/converse-verifier.ts';
import type {
  DiagnosisSteps,
  GrantStep,
  InvokeStep,
  OfferedStep,
  StepError,
  UseCaseFormStep,
} from './diagnosis.ts';
import { isAnthropicModel, type ModelTarget } from './target.ts';

export interface DiagnoseDeps {
  /** A control-plane client for the target's region. */
  bedrock: BedrockClient;
  verifier: Verifier;
  /** How long the verification call may take, retries included. */
  invokeTimeoutMs: number;
}

export interface DiagnoseOptions {
  /** False for --no-invoke: no billed call. */
  invoke: boolean;
}

const COMMAND = 'diagnose';

/** Runs the read-only steps together, then (unless told not to) the verification call. */
export async function runDiagnosisSteps(
  deps: DiagnoseDeps,
  target: ModelTarget,
  options: DiagnoseOptions,
): Promise<DiagnosisSteps> {
  const [offered, grant, useCaseForm] = await Promise.all([
    checkOffered(deps.bedrock, target.modelId),
    checkGrant(deps.bedrock, target.modelId),
    checkUseCaseForm(deps.bedrock, target.modelId),
  ]);
  const invoke = options.invoke ? await invokeOnce(deps, target) : skippedInvoke(target.invokeVia);
  return { offered, grant, useCaseForm, invoke };
}

/** Step 1: GetFoundationModel; a 404 means the region does not offer the model. */
export async function checkOffered(client: BedrockClient, modelId: string): Promise<OfferedStep> {
  const base = { step: 'offered' as const, modelName: null, lifecycle: null, notFound: null };
  try {
    const { modelDetails } = await client.send(
      new GetFoundationModelCommand({ modelIdentifier: modelId }),
    );
    const lifecycle = modelDetails?.modelLifecycle?.status ?? null;
    return {
      ...base,
      status: lifecycle === 'LEGACY' ? 'warning' : 'ok',
      offered: true,
      modelName: modelDetails?.modelName ?? null,
      lifecycle,
      error: null,
    };
  } catch (error) {
    rethrowIfNoCredentials(error, COMMAND);
    const classified = classifyCheckError(error);
    if (classified.type === 'defect') throw error;
    if (classified.type === 'not-found') {
      return {
        ...base,
        status: 'problem',
        offered: false,
        notFound: classified.message,
        error: null,
      };
    }
    // A ValidationException here is about the only input, the model id: a finding, not a failure.
    const invalidId = classified.errorName === 'ValidationException';
    return {
      ...base,
      status: invalidId ? 'problem' : 'unknown',
      offered: null,
      error: stepError(classified),
    };
  }
}

/** Step 2: GetFoundationModelAvailability, read into a grant state as the monitor does. */
export async function checkGrant(client: BedrockClient, modelId: string): Promise<GrantStep> {
  const base = { step: 'grant' as const, notFound: null };
  try {
    const answer = await client.send(new GetFoundationModelAvailabilityCommand({ modelId }));
    const parsed = parseAvailabilityAnswer(answer);
    if (!parsed.ok) {
      return {
        ...base,
        status: 'unknown',
        state: null,
        raw: null,
        error: { kind: 'malformed', errorName: null, message: parsed.problem },
      };
    }
    const state = deriveGrantState({ raw: parsed.raw, notFound: null });
    return {
      ...base,
      status: state === 'ENABLED' ? 'ok' : 'problem',
      state,
      raw: parsed.raw,
      error: null,
    };
  } catch (error) {
    rethrowIfNoCredentials(error, COMMAND);
    const classified = classifyCheckError(error);
    if (classified.type === 'defect') throw error;
    if (classified.type === 'not-found') {
      return {
        ...base,
        status: 'problem',
        state: 'NOT_OFFERED',
        raw: NOT_FOUND_RAW,
        notFound: classified.message,
        error: null,
      };
    }
    return { ...base, status: 'unknown', state: null, raw: null, error: stepError(classified) };
  }
}

/** Step 3: GetUseCaseForModelAccess (404: not submitted); skipped for other providers. */
export async function checkUseCaseForm(
  client: BedrockClient,
  modelId: string,
): Promise<UseCaseFormStep> {
  const base = { step: 'use-case-form' as const };
  if (!isAnthropicModel(modelId)) {
    return { ...base, status: 'skipped', required: false, onFile: null, error: null };
  }
  try {
    await client.send(new GetUseCaseForModelAccessCommand({}));
    return { ...base, status: 'ok', required: true, onFile: true, error: null };
  } catch (error) {
    rethrowIfNoCredentials(error, COMMAND);
    const classified = classifyCheckError(error);
    if (classified.type === 'defect') throw error;
    if (classified.type === 'not-found') {
      return { ...base, status: 'problem', required: true, onFile: false, error: null };
    }
    return {
      ...base,
      status: 'unknown',
      required: true,
      onFile: null,
      error: stepError(classified),
    };
  }
}

/** Step 4: the 1-token Converse call, through the model id or the inference profile. */
export async function invokeOnce(deps: DiagnoseDeps, target: ModelTarget): Promise<InvokeStep> {
  const via = target.invokeVia;
  const result = await deps.verifier.verify(
    { region: target.region, via },
    Date.now() + deps.invokeTimeoutMs,
  );
  const base = { step: 'invoke' as const, via, ran: true };
  if (result.ok) {
    return {
      ...base,
      status: 'ok',
      latencyMs: result.latencyMs,
      cause: null,
      category: null,
      explanation: null,
      nextStep: null,
      errorName: null,
      message: null,
    };
  }
  if (isNoCredentialsError({ name: result.errorName })) throw noCredentialsError(COMMAND);
  const cause = knownCause(result.cause);
  const { category } = describeCause(cause);
  return {
    ...base,
    // A passing failure (throttling, a timeout) says nothing either way.
    status: category === 'transient' ? 'unknown' : 'problem',
    latencyMs: null,
    cause,
    category,
    explanation: result.explanation,
    nextStep: result.nextStep,
    errorName: result.errorName,
    message: result.message,
  };
}

function skippedInvoke(via: string): InvokeStep {
  return {
    step: 'invoke',
    status: 'skipped',
    via,
    ran: false,
    latencyMs: null,
    cause: null,
    category: null,
    explanation: null,
    nextStep: null,
    errorName: null,
    message: null,
  };
}

function stepError(
  failure: Extract<ReturnType<typeof classifyCheckError>, { type: 'failure' }>,
): StepError {
  return { kind: failure.kind, errorName: failure.errorName, message: failure.message };
}

// The verifier reports the cause as a string; anything outside the table reads as unknown.
function knownCause(cause: string): AccessCauseName {
  return (ACCESS_CAUSES as readonly string[]).includes(cause)
    ? (cause as AccessCauseName)
    : 'unknown';
}
