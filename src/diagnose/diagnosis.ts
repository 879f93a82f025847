/**
 * The vocabulary of `diagnose`: what each troubleshooting step found, and the one verdict drawn
 * from them. Steps hold data only; render-diagnosis.ts puts them into words.
 */
import type { FailureKind, GrantState, RawAvailability } from '../grants/types.ts';
import type { AccessCauseCategory, AccessCauseName } from '../verify/access-cause.ts';

/** ok ✓, problem ✗, warning !, unknown ? (the step itself failed), skipped -. */
export type StepStatus = 'ok' | 'problem' | 'warning' | 'unknown' | 'skipped';

/** Why a step could not find out: the call to Bedrock failed. */
export interface StepError {
  kind: FailureKind;
  errorName: string | null;
  message: string;
}

/** 1. GetFoundationModel: is the model offered in the region, and is it LEGACY? */
export interface OfferedStep {
  step: 'offered';
  status: StepStatus;
  /** null when the call failed. */
  offered: boolean | null;
  modelName: string | null;
  /** modelLifecycle.status: ACTIVE or LEGACY. */
  lifecycle: string | null;
  /** The message of a 404. */
  notFound: string | null;
  error: StepError | null;
}

/** 2. GetFoundationModelAvailability: the grant state and Bedrock's raw fields. */
export interface GrantStep {
  step: 'grant';
  status: StepStatus;
  state: GrantState | null;
  raw: RawAvailability | null;
  notFound: string | null;
  error: StepError | null;
}

/** 3. GetUseCaseForModelAccess, for Anthropic models only. */
export interface UseCaseFormStep {
  step: 'use-case-form';
  status: StepStatus;
  /** False for models of other providers: the step is skipped. */
  required: boolean;
  onFile: boolean | null;
  error: StepError | null;
}

/** 4. Converse with maxTokens 1, unless --no-invoke. */
export interface InvokeStep {
  step: 'invoke';
  status: StepStatus;
  /** The model id or inference profile id invoked (or that would have been). */
  via: string;
  ran: boolean;
  latencyMs: number | null;
  cause: AccessCauseName | null;
  category: AccessCauseCategory | null;
  /** The cause's explanation and next step, as classifyAccessError gives them. */
  explanation: string | null;
  nextStep: string | null;
  errorName: string | null;
  message: string | null;
}

export interface DiagnosisSteps {
  offered: OfferedStep;
  grant: GrantStep;
  useCaseForm: UseCaseFormStep;
  invoke: InvokeStep;
}

/** The three answers `diagnose` gives, each with its exit code. */
export type VerdictOutcome = 'usable' | 'not-usable' | 'could-not-tell';

/**
 * Causes found by the steps rather than by the call: the grant's states, the region, the form.
 * Where a call's cause says the same thing (use-case-form, account-not-allowed), its name is used.
 */
export type StepCause =
  | 'not-offered'
  | 'agreement-missing'
  | 'agreement-pending'
  | 'agreement-failed'
  | 'step-failed'
  | 'not-invoked';

export type VerdictCause = 'usable' | AccessCauseName | StepCause;

export interface Verdict {
  outcome: VerdictOutcome;
  /** 0 usable, 4 not usable, 5 could not tell. */
  exitCode: number;
  /** 'usable', or the category of the cause (could-not-tell: transient or unknown). */
  category: 'usable' | AccessCauseCategory;
  cause: VerdictCause;
  /** What settled it: the verification call, or the other steps. */
  basis: 'invocation' | 'steps';
  /** The first words: "Usable", "This is model access, not IAM", "This is IAM", ... */
  headline: string;
  explanation: string;
  nextStep: string | null;
  /** Other problems the steps found, worth knowing once the main one is fixed. */
  also: string[];
}

export interface Diagnosis {
  modelId: string;
  region: string;
  invokeVia: string;
  steps: DiagnosisSteps;
  verdict: Verdict;
}
