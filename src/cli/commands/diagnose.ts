import { createBedrockClientCache } from '../../bedrock/bedrock-clients.ts';
import { createRuntimeClientCache } from '../../bedrock/runtime-clients.ts';
import { diagnose } from '../../diagnose/diagnose.ts';
import { diagnosisJson, renderDiagnosis } from '../../diagnose/render-diagnosis.ts';
import { parseModelTarget } from '../../diagnose/target.ts';
import { createConverseVerifier } from '../../verify/converse-verifier.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import { DEFAULT_REQUEST_TIMEOUT_SECONDS } from '../defaults.ts';
import { parseOptions } from '../parse-options.ts';

export const DIAGNOSE_HELP = `Usage: bedrock-access-monitor diagnose MODEL --region REGION [options]

Finds out why a model cannot be used in a region: walks the AccessDeniedException
troubleshooting steps with your default AWS credentials, prints each with its result, then
one verdict in plain words with the next step.
  1. is the model offered in the region (GetFoundationModel; a LEGACY model is flagged)
  2. what the grant says (GetFoundationModelAvailability, with Bedrock's raw fields)
  3. for Anthropic models: is the use-case form on file (GetUseCaseForModelAccess)
  4. a verification call: Converse with maxTokens 1, by the model id or --inference-profile

The verification call is a real invocation. It is billed (a fraction of a cent), and for a
third-party model (Anthropic, Cohere, AI21, Stability, ...) it starts the AWS Marketplace
subscription and accepts the provider's terms. --no-invoke leaves it out.

MODEL is a model id (anthropic.claude-3-sonnet-20240229-v1:0) or a cross-region inference
profile id (us.anthropic.claude-3-sonnet-20240229-v1:0): the steps ask about the model, the
call goes through the profile.

Options:
  --region REGION          the region to diagnose (required)
  --inference-profile ID   make the verification call through this inference profile id or ARN
  --no-invoke              no verification call: the verdict rests on the other steps
  --json                   print one JSON object: { modelId, region, invokeVia, steps, verdict }
  -h, --help               show this help

Without the call, a grant that is ENABLED proves nothing about IAM, SCPs or inference
profiles, so --no-invoke answers "could not tell" (5) unless a step finds a problem.

Exit codes: 0 usable (the 1-token call succeeded); 4 not usable: model access, IAM or the
model id (the verdict says which); 5 could not tell (a step could not ask Bedrock, the call
failed for a passing reason or with an error not recognised, or --no-invoke with a grant that
looks fine); 1 an error (no credentials); 2 wrong usage.

The caller needs bedrock:GetFoundationModel, bedrock:GetFoundationModelAvailability,
bedrock:GetUseCaseForModelAccess and, for the call, bedrock:InvokeModel on the model (and on
the inference profile).`;

/** The verification call's own budget, its one retry included. */
const INVOKE_TIMEOUT_MS = 60_000;
const CONTROL_PLANE_ATTEMPTS = 3;

/** `diagnose`: why a model cannot be used in a region, step by step, and one verdict. */
export async function diagnoseCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOptions(
    'diagnose',
    args,
    {
      region: { type: 'string' },
      'inference-profile': { type: 'string' },
      'no-invoke': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    true,
  );
  if (values.help) {
    io.out(DIAGNOSE_HELP);
    return EXIT.ok;
  }
  const target = parseModelTarget(
    'diagnose',
    positionals,
    values.region,
    values['inference-profile'],
  );
  const requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_SECONDS * 1000;
  const bedrock = createBedrockClientCache({
    requestTimeoutMs,
    maxAttempts: CONTROL_PLANE_ATTEMPTS,
  })(target.region);
  const runtime = createRuntimeClientCache({ requestTimeoutMs: INVOKE_TIMEOUT_MS / 2 });
  try {
    const diagnosis = await diagnose(
      {
        bedrock,
        verifier: createConverseVerifier(runtime),
        invokeTimeoutMs: INVOKE_TIMEOUT_MS,
      },
      target,
      { invoke: !values['no-invoke'] },
    );
    io.out(values.json ? JSON.stringify(diagnosisJson(diagnosis)) : renderDiagnosis(diagnosis));
    return diagnosis.verdict.exitCode;
  } finally {
    bedrock.destroy();
    runtime(target.region).destroy();
  }
}
