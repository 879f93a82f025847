/**
 * What `diagnose` and `request` are about: one foundation model in one region, read from the
 * command line. A cross-region inference profile id (`us.anthropic...`) names its model too:
 * grants belong to the model, calls may go through the profile.
 */
import { BEDROCK_REGIONS, isBedrockRegion } from '../config/bedrock-regions.ts';
import { INFERENCE_PROFILE_PREFIXES } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { closestMatch } from '../text/did-you-mean.ts';

export interface ModelTarget {
  /** The foundation model id: what GetFoundationModel and the grant are asked about. */
  modelId: string;
  region: string;
  /** What a verification call invokes: the model id, or an inference profile id. */
  invokeVia: string;
}

/** `us.anthropic.claude-...` -> `anthropic.claude-...`; undefined for anything else. */
export function modelOfInferenceProfile(id: string): string | undefined {
  const prefix = INFERENCE_PROFILE_PREFIXES.find((p) => id.startsWith(`${p}.`));
  if (prefix === undefined) return undefined;
  const rest = id.slice(prefix.length + 1);
  return rest.includes('.') ? rest : undefined;
}

/** Anthropic models need the first-time-use form on file before any call succeeds. */
export function isAnthropicModel(modelId: string): boolean {
  return modelId.startsWith('anthropic.');
}

/** Reads MODEL, --region and --inference-profile; a UsageError names what is wrong. */
export function parseModelTarget(
  command: string,
  positionals: readonly string[],
  region: string | undefined,
  inferenceProfile?: string,
): ModelTarget {
  const see = `See \`bedrock-access-monitor ${command} --help\`.`;
  const [model, ...extra] = positionals;
  if (model === undefined || model.trim() === '') {
    throw new UsageError(
      `${command}: give the model id, like anthropic.claude-3-sonnet-20240229-v1:0. ${see}`,
    );
  }
  if (extra.length > 0) {
    throw new UsageError(
      `${command}: one model at a time; unexpected "${extra.join(' ')}". ${see}`,
    );
  }
  if (model.startsWith('arn:')) {
    throw new UsageError(
      `${command}: "${model}" is an ARN; give the model id (or inference profile id) alone. ${see}`,
    );
  }
  if (region === undefined) {
    throw new UsageError(
      `${command}: --region is required: access differs in every region. ${see}`,
    );
  }
  if (!isBedrockRegion(region)) {
    const match = closestMatch(region, BEDROCK_REGIONS);
    const hint = match === undefined ? '' : `; did you mean "${match}"?`;
    throw new UsageError(
      `${command}: --region "${region}" is not an AWS region with a Bedrock endpoint${hint}`,
    );
  }
  const profileModel = modelOfInferenceProfile(model);
  if (profileModel !== undefined) {
    if (inferenceProfile !== undefined && inferenceProfile !== model) {
      throw new UsageError(
        `${command}: "${model}" is already an inference profile id; leave out --inference-profile, or give the model id "${profileModel}". ${see}`,
      );
    }
    return { modelId: profileModel, region, invokeVia: model };
  }
  if (inferenceProfile !== undefined) {
    const behind = modelOfInferenceProfile(inferenceProfile);
    if (behind !== undefined && behind !== model) {
      throw new UsageError(
        `${command}: --inference-profile "${inferenceProfile}" is a profile of ${behind}, not of ${model}. ${see}`,
      );
    }
  }
  return { modelId: model, region, invokeVia: inferenceProfile ?? model };
}
