/** `diagnose` output: one line per step with its mark, then the verdict; or one JSON object. */
import type {
  Diagnosis,
  GrantStep,
  InvokeStep,
  OfferedStep,
  StepError,
  StepStatus,
  UseCaseFormStep,
} from './diagnosis.ts';
import { callNeverReachedBedrock } from './verdict.ts';

const MARKS: Record<StepStatus, string> = {
  ok: '✓',
  problem: '✗',
  warning: '!',
  unknown: '?',
  skipped: '-',
};

/** The text a person reads: the steps, a blank line, the verdict and what to do next. */
export function renderDiagnosis(diagnosis: Diagnosis): string {
  const { modelId, region, invokeVia, verdict } = diagnosis;
  const via = invokeVia === modelId ? '' : ` (calls through ${invokeVia})`;
  const lines = [
    `Diagnosing ${modelId} in ${region}${via}`,
    '',
    ...orderedSteps(diagnosis).map(
      (step) => `${MARKS[step.status]} ${stepTitle(step, region)}: ${describeStep(step)}`,
    ),
    '',
    `${verdict.headline}: ${verdict.explanation}`,
  ];
  if (verdict.nextStep !== null) lines.push(`Next: ${verdict.nextStep}`);
  for (const note of verdict.also) lines.push(`Also: ${note}`);
  return lines.join('\n');
}

/** The `--json` object: the steps in order, each with its one-line result, and the verdict. */
export function diagnosisJson(diagnosis: Diagnosis): Record<string, unknown> {
  const { modelId, region, invokeVia, verdict } = diagnosis;
  return {
    modelId,
    region,
    invokeVia,
    // step and status first, then the one-line summary, then what the step found.
    steps: orderedSteps(diagnosis).map((step) => {
      const { step: name, status, ...found } = step;
      return { step: name, status, summary: describeStep(step), ...found };
    }),
    verdict,
  };
}

type AnyStep = OfferedStep | GrantStep | UseCaseFormStep | InvokeStep;

function orderedSteps({ steps }: Diagnosis): AnyStep[] {
  return [steps.offered, steps.grant, steps.useCaseForm, steps.invoke];
}

function stepTitle(step: AnyStep, region: string): string {
  switch (step.step) {
    case 'offered':
      return `Offered in ${region}`;
    case 'grant':
      return 'Grant';
    case 'use-case-form':
      return 'Anthropic use-case form';
    case 'invoke':
      return step.ran ? `1-token call via ${step.via}` : '1-token call';
  }
}

/** The result of one step in words, without its mark. */
export function describeStep(step: AnyStep): string {
  switch (step.step) {
    case 'offered':
      return describeOffered(step);
    case 'grant':
      return describeGrant(step);
    case 'use-case-form':
      return describeUseCaseForm(step);
    case 'invoke':
      return describeInvoke(step);
  }
}

function describeOffered(step: OfferedStep): string {
  if (step.offered === true) {
    const name = step.modelName === null ? '' : `${step.modelName}, `;
    const lifecycle = step.lifecycle ?? 'lifecycle not given';
    return step.lifecycle === 'LEGACY'
      ? `yes (${name}lifecycle LEGACY: Bedrock refuses accounts that have not used it recently)`
      : `yes (${name}lifecycle ${lifecycle})`;
  }
  if (step.offered === false) {
    return `no (GetFoundationModel: 404${step.notFound === null ? '' : ` ${step.notFound}`})`;
  }
  if (step.error?.errorName === 'ValidationException') {
    return `Bedrock refused the model id (${describeError(step.error)})`;
  }
  return couldNotAsk('GetFoundationModel', step.error);
}

function describeGrant(step: GrantStep): string {
  if (step.state === null) return couldNotAsk('GetFoundationModelAvailability', step.error);
  if (step.notFound !== null) {
    return `${step.state} (GetFoundationModelAvailability: 404 ${step.notFound})`;
  }
  const raw = step.raw;
  if (raw === null) return step.state;
  const fields = [
    `agreement ${raw.agreement}`,
    `authorization ${raw.authorization}`,
    `entitlement ${raw.entitlement}`,
    `region ${raw.region}`,
  ];
  if (raw.agreementError !== null) fields.push(`error "${raw.agreementError}"`);
  return `${step.state} (${fields.join(', ')})`;
}

function describeUseCaseForm(step: UseCaseFormStep): string {
  if (!step.required) return 'not needed (not an Anthropic model)';
  if (step.onFile === true) return 'on file';
  if (step.onFile === false) {
    return 'not submitted for this account (GetUseCaseForModelAccess: 404)';
  }
  return couldNotAsk('GetUseCaseForModelAccess', step.error);
}

function describeInvoke(step: InvokeStep): string {
  if (!step.ran) return 'skipped (--no-invoke)';
  if (step.status === 'ok') return `succeeded in ${step.latencyMs ?? 0} ms`;
  const error = step.errorName === null ? step.message : `${step.errorName}: ${step.message}`;
  if (callNeverReachedBedrock(step)) return `never reached Bedrock Runtime (network): ${error}`;
  const passing = step.category === 'transient' ? ' for a passing reason' : '';
  return `failed${passing} (${step.cause}): ${error}`;
}

function couldNotAsk(operation: string, error: StepError | null): string {
  return error === null ? 'could not ask' : `could not ask (${operation}: ${describeError(error)})`;
}

function describeError(error: StepError): string {
  return error.errorName === null ? error.message : `${error.errorName}: ${error.message}`;
}
