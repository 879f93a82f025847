/**
 * The one verdict of `diagnose`, drawn from its steps by a pure function. The verification call
 * is the strongest evidence: when it succeeds the model is usable, whatever the grant says, and
 * when it fails for a recognised reason of model access, IAM or the model id, that reason is the
 * verdict. Otherwise the steps decide: a model not offered, a grant that is not ENABLED, a
 * missing use-case form each make it unusable; a grant that looks fine, a call that failed for a
 * passing reason, or steps that could not ask leave it open ("could not tell").
 */
import { mentionsNetworkFailure } from '../bedrock/network-errors.ts';
import { profilePrefixFor } from '../config/inference-profile-geographies.ts';
import type { FailureKind } from '../grants/types.ts';
import {
  type AccessCauseCategory,
  type AccessCauseName,
  describeCause,
} from '../verify/access-cause.ts';
import type {
  DiagnosisSteps,
  InvokeStep,
  StepCause,
  StepError,
  Verdict,
  VerdictOutcome,
} from './diagnosis.ts';
import type { ModelTarget } from './target.ts';

/** Exit codes of `diagnose`; 1 (errors such as no credentials) and 2 (usage) are the CLI's. */
export const DIAGNOSE_EXIT = {
  usable: 0,
  notUsable: 4,
  couldNotTell: 5,
} as const;

const EXIT_FOR: Record<VerdictOutcome, number> = {
  usable: DIAGNOSE_EXIT.usable,
  'not-usable': DIAGNOSE_EXIT.notUsable,
  'could-not-tell': DIAGNOSE_EXIT.couldNotTell,
};

const HEADLINES: Record<'usable' | AccessCauseCategory, string> = {
  usable: 'Usable',
  'model-access': 'This is model access, not IAM',
  iam: 'This is IAM',
  'model-id': 'The model id is the problem',
  transient: 'Could not tell',
  unknown: 'Could not tell',
};

/** A reason the model cannot be used, found by a step or by the call. */
interface Finding {
  cause: AccessCauseName | StepCause;
  category: 'model-access' | 'iam' | 'model-id';
  explanation: string;
  nextStep: string;
}

const TRANSIENT_KINDS: ReadonlySet<FailureKind> = new Set([
  'throttled',
  'server',
  'timeout',
  'network',
]);

/** Decides usable / not usable (and why) / could not tell, with the next step and exit code. */
export function decideVerdict(target: ModelTarget, steps: DiagnosisSteps): Verdict {
  const { invoke } = steps;
  const findings = stepFindings(target, steps);
  const notes = lifecycleNotes(target, steps);

  if (invoke.ran && invoke.status === 'ok') {
    return verdict('usable', {
      category: 'usable',
      cause: 'usable',
      basis: 'invocation',
      explanation: `a 1-token call succeeded in ${invoke.latencyMs ?? 0} ms.`,
      nextStep: null,
      also: notes,
    });
  }

  const callFinding = invocationFinding(target, steps);
  if (callFinding !== undefined) {
    const others = findings.filter((finding) => !sameCause(finding.cause, callFinding.cause));
    // Where a step saw the same thing, its words name the model, the region and the fields.
    const corroborated = findings.find((finding) => sameCause(finding.cause, callFinding.cause));
    const primary =
      corroborated === undefined
        ? callFinding
        : {
            ...callFinding,
            explanation: corroborated.explanation,
            nextStep: corroborated.nextStep,
          };
    return notUsable(primary, 'invocation', [
      ...others.map((finding) => finding.explanation),
      ...(callFinding.cause === 'legacy-model' ? [] : notes),
    ]);
  }

  const [first, ...rest] = findings;
  if (first !== undefined) {
    return notUsable(first, 'steps', [
      ...rest.map((finding) => finding.explanation),
      ...notes,
      ...inconclusiveCall(steps),
    ]);
  }
  return couldNotTell(target, steps, notes);
}

/** The call's causes that say what a step cause says, in the call's words. */
const SAME_AS_STEP_CAUSE: Partial<Record<AccessCauseName, StepCause>> = {
  'model-access-denied': 'agreement-missing',
  'subscription-processing': 'agreement-pending',
  'invalid-model-id': 'not-offered',
};

function sameCause(stepCause: Finding['cause'], callCause: Finding['cause']): boolean {
  return stepCause === callCause || SAME_AS_STEP_CAUSE[callCause as AccessCauseName] === stepCause;
}

/** The call failed for a recognised reason that is not passing: that reason is the verdict. */
function invocationFinding(target: ModelTarget, steps: DiagnosisSteps): Finding | undefined {
  const { invoke } = steps;
  if (!invoke.ran || invoke.cause === null || invoke.category === null) return undefined;
  const { category } = invoke;
  if (category !== 'model-access' && category !== 'iam' && category !== 'model-id') {
    return undefined;
  }
  const described = describeCause(invoke.cause);
  return {
    cause: invoke.cause,
    category,
    explanation: invoke.explanation ?? described.explanation,
    nextStep: diagnoseNextStep(invoke.cause, target) ?? invoke.nextStep ?? described.nextStep,
  };
}

/** What the read-only steps show stands in the way, most fundamental first. */
function stepFindings(target: ModelTarget, steps: DiagnosisSteps): Finding[] {
  const { modelId, region } = target;
  const { offered, grant, useCaseForm } = steps;
  const findings: Finding[] = [];
  const request = `bedrock-access-monitor request ${modelId} --region ${region}`;

  if (offered.error?.errorName === 'ValidationException') {
    findings.push(
      fromCause(
        'invalid-model-id',
        target,
        `Bedrock refused the model id: ${offered.error.message}`,
      ),
    );
  } else if (offered.offered === false || grant.state === 'NOT_OFFERED') {
    const how =
      offered.offered === false
        ? 'GetFoundationModel answered 404'
        : grant.raw?.region === 'NOT_AVAILABLE'
          ? 'regionAvailability is NOT_AVAILABLE'
          : 'GetFoundationModelAvailability answered 404';
    findings.push({
      cause: 'not-offered',
      category: 'model-id',
      explanation: `Bedrock does not offer ${modelId} in ${region} (${how}).`,
      nextStep: `Use a region that offers it (aws bedrock list-foundation-models --region <region>) or a cross-region inference profile, and check the exact model id, version suffix included.`,
    });
  }
  if (grant.state === 'NOT_AUTHORIZED') {
    findings.push(
      fromCause(
        'account-not-allowed',
        target,
        `Bedrock reports this account as not authorized for ${modelId} in ${region} (authorizationStatus NOT_AUTHORIZED); this is decided by AWS, not by your IAM policies.`,
      ),
    );
  }
  if (grant.state === 'FAILED') {
    const error = grant.raw?.agreementError;
    findings.push({
      cause: 'agreement-failed',
      category: 'model-access',
      explanation: `The access agreement for ${modelId} in ${region} failed${error ? `: ${error.replace(/\.$/, '')}` : ''}.`,
      nextStep: `Fix what the error names (often the AWS Marketplace subscription or the account's payment method), then request access again: ${request}`,
    });
  }
  if (useCaseForm.onFile === false) {
    findings.push(fromCause('use-case-form', target));
  }
  if (grant.state === 'IN_PROGRESS') {
    findings.push({
      cause: 'agreement-pending',
      category: 'model-access',
      explanation: `Access to ${modelId} in ${region} was requested and is still being processed (agreement PENDING); this can take up to 15 minutes.`,
      nextStep: `Wait; \`${request}\` watches it until it is Enabled.`,
    });
  }
  if (grant.state === 'NOT_ENABLED') {
    findings.push({
      cause: 'agreement-missing',
      category: 'model-access',
      explanation: `The account has no access to ${modelId} in ${region} (agreement ${grant.raw?.agreement}, entitlement ${grant.raw?.entitlement}).`,
      nextStep: `Request access: ${request} (it shows the provider's terms and asks before accepting them).`,
    });
  }
  return findings;
}

/** Neither the call nor the steps found a reason: say why it stays open. */
function couldNotTell(target: ModelTarget, steps: DiagnosisSteps, notes: string[]): Verdict {
  const { invoke } = steps;
  const failed = failedSteps(steps);
  const failures = failed.map(({ operation, error }) => `${operation}: ${describeError(error)}`);

  if (invoke.ran && invoke.cause !== null && callNeverReachedBedrock(invoke)) {
    return verdict('could-not-tell', {
      category: 'transient',
      cause: invoke.cause,
      basis: 'invocation',
      explanation: `The 1-token call never reached Bedrock Runtime in ${target.region} (${invoke.message}): this is a network problem, not Bedrock being busy, and says nothing about access.`,
      nextStep: networkNextStep(),
      also: [...failures.map((failure) => `A step failed: ${failure}`), ...notes],
    });
  }
  if (invoke.ran && invoke.cause !== null) {
    const transient = invoke.category === 'transient';
    const described = describeCause(invoke.cause);
    return verdict('could-not-tell', {
      category: transient ? 'transient' : 'unknown',
      cause: invoke.cause,
      basis: 'invocation',
      explanation: transient
        ? `The 1-token call failed for a passing reason (${invoke.errorName ?? 'no answer'}): ${described.explanation}`
        : (invoke.explanation ?? described.explanation),
      nextStep: transient ? retryLater(target) : (invoke.nextStep ?? described.nextStep),
      also: [...failures.map((failure) => `A step failed: ${failure}`), ...notes],
    });
  }

  if (failed.length > 0 && failed.every(({ error }) => error.kind === 'network')) {
    return verdict('could-not-tell', {
      category: 'transient',
      cause: 'step-failed',
      basis: 'steps',
      explanation: `Bedrock in ${target.region} could not be reached: ${failures.join('; ')}. This is a network problem, not Bedrock being busy.`,
      nextStep: networkNextStep(),
      also: notes,
    });
  }
  if (failed.length > 0) {
    const allTransient = failed.every(({ error }) => TRANSIENT_KINDS.has(error.kind));
    const denied = failed.some(({ error }) => error.kind === 'denied');
    const orInvoke = invoke.ran ? '' : ', or run without --no-invoke: a 1-token call settles it';
    return verdict('could-not-tell', {
      category: allTransient ? 'transient' : 'unknown',
      cause: 'step-failed',
      basis: 'steps',
      explanation: `Bedrock did not answer ${failures.join('; ')}`.replace(/\.?$/, '.'),
      nextStep: denied
        ? `Allow the caller the read-only actions bedrock:GetFoundationModel, bedrock:GetFoundationModelAvailability and bedrock:GetUseCaseForModelAccess${orInvoke}.`
        : `${retryLater(target).replace(/\.$/, '')}${orInvoke}.`,
      also: notes,
    });
  }

  return verdict('could-not-tell', {
    category: 'unknown',
    cause: 'not-invoked',
    basis: 'steps',
    explanation: `Bedrock reports the grant of ${target.modelId} in ${target.region} as ENABLED, but the grant does not show IAM or SCP denials, a Marketplace subscription that cannot start, or a model that needs an inference profile; only a call does.`,
    nextStep:
      'Run it again without --no-invoke: one 1-token call (billed, a fraction of a cent) settles it.',
    also: notes,
  });
}

function notUsable(finding: Finding, basis: Verdict['basis'], also: string[]): Verdict {
  return verdict('not-usable', {
    category: finding.category,
    cause: finding.cause,
    basis,
    explanation: finding.explanation,
    nextStep: finding.nextStep,
    also: [...new Set(also)],
  });
}

function verdict(
  outcome: VerdictOutcome,
  fields: Omit<Verdict, 'outcome' | 'headline' | 'exitCode'>,
): Verdict {
  return {
    outcome,
    exitCode: EXIT_FOR[outcome],
    category: fields.category,
    cause: fields.cause,
    basis: fields.basis,
    headline: HEADLINES[fields.category],
    explanation: fields.explanation,
    nextStep: fields.nextStep,
    also: fields.also,
  };
}

/** A cause from the table, its next step worded for someone running `diagnose`. */
function fromCause(cause: AccessCauseName, target: ModelTarget, explanation?: string): Finding {
  const described = describeCause(cause);
  const category = described.category;
  return {
    cause,
    category: category === 'iam' || category === 'model-id' ? category : 'model-access',
    explanation: explanation ?? described.explanation,
    nextStep: diagnoseNextStep(cause, target) ?? described.nextStep,
  };
}

/**
 * Where the table's next step speaks of the monitor's config or of its next run, the words for
 * someone at the command line instead.
 */
function diagnoseNextStep(cause: AccessCauseName, target: ModelTarget): string | undefined {
  const { modelId, region } = target;
  switch (cause) {
    case 'needs-inference-profile': {
      const profile = `${profilePrefixFor(region)}.${modelId}`;
      return `Call it through a cross-region inference profile id such as ${profile}; check that one with: bedrock-access-monitor diagnose ${modelId} --region ${region} --inference-profile ${profile}`;
    }
    case 'invalid-model-id':
      return `Check the exact model id, version suffix included (such as -v1:0), against \`aws bedrock list-foundation-models --region ${region}\`.`;
    case 'end-of-life':
      return 'Move to its successor (see the Bedrock model lifecycle page) and change the model id where you call it.';
    case 'model-access-denied':
      return `Request access: bedrock-access-monitor request ${modelId} --region ${region}, then run diagnose again.`;
    default:
      return undefined;
  }
}

/** The call failed before any answer: no connection, DNS, a proxy, a wrong endpoint. */
export function callNeverReachedBedrock(invoke: InvokeStep): boolean {
  return invoke.category === 'transient' && mentionsNetworkFailure(invoke.message ?? '');
}

function networkNextStep(): string {
  return 'Check the network connection, DNS and any proxy, and AWS_ENDPOINT_URL_BEDROCK and AWS_ENDPOINT_URL_BEDROCK_RUNTIME if you set them; then run diagnose again.';
}

function retryLater(target: ModelTarget): string {
  return `Run diagnose again in a minute; if it keeps failing, check the AWS Health Dashboard for Bedrock in ${target.region}.`;
}

/** The LEGACY lifecycle is worth knowing even when the call works. */
function lifecycleNotes(target: ModelTarget, steps: DiagnosisSteps): string[] {
  if (steps.offered.lifecycle !== 'LEGACY') return [];
  return [
    `${target.modelId} is LEGACY in ${target.region}: Bedrock refuses accounts that have not used it recently, and it will reach its end of life; plan a move to an active version.`,
  ];
}

/** A call that failed without settling anything, mentioned beside a verdict from the steps. */
function inconclusiveCall(steps: DiagnosisSteps): string[] {
  const { invoke } = steps;
  if (!invoke.ran || invoke.status === 'ok' || invoke.cause === null) return [];
  return [
    `The 1-token call failed too: ${invoke.errorName ?? 'error'}: ${invoke.message ?? ''}`.trim(),
  ];
}

function failedSteps(steps: DiagnosisSteps): Array<{ operation: string; error: StepError }> {
  const failed: Array<{ operation: string; error: StepError }> = [];
  const { offered, grant, useCaseForm } = steps;
  if (offered.error !== null && offered.error.errorName !== 'ValidationException') {
    failed.push({ operation: 'GetFoundationModel', error: offered.error });
  }
  if (grant.error !== null) {
    failed.push({ operation: 'GetFoundationModelAvailability', error: grant.error });
  }
  if (useCaseForm.error !== null) {
    failed.push({ operation: 'GetUseCaseForModelAccess', error: useCaseForm.error });
  }
  return failed;
}

function describeError(error: StepError): string {
  return error.errorName === null ? error.message : `${error.errorName}: ${error.message}`;
}
