/** `diagnose` end to end, minus the command line: run the steps, decide the verdict. */

import { type DiagnoseDeps, type DiagnoseOptions, runDiagnosisSteps } from './diagnose-steps.ts';
import type { Diagnosis } from './diagnosis.ts';
import type { ModelTarget } from './target.ts';
import { decideVerdict } from './verdict.ts';

export async function diagnose(
  deps: DiagnoseDeps,
  target: ModelTarget,
  options: DiagnoseOptions,
): Promise<Diagnosis> {
  const steps = await runDiagnosisSteps(deps, target, options);
  return { ...target, steps, verdict: decideVerdict(target, steps) };
}
