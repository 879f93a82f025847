/**
 * The cross-region (system-defined) inference profiles by the prefix of their id
 * (`us.anthropic...`), each with the regions it can be called from: its source regions, as the
 * Bedrock user guide lists them under "Supported Regions and models for inference profiles".
 * A profile called from anywhere else does not exist there, so neither does the ARN an IAM
 * statement would grant on. One list for the config's check and for `diagnose`'s suggestion;
 * update it, with BEDROCK_REGIONS, when AWS opens a source region.
 */
import { BEDROCK_REGIONS, type BedrockRegion } from './bedrock-regions.ts';

const regionsStartingWith = (...prefixes: string[]): BedrockRegion[] =>
  BEDROCK_REGIONS.filter((region) => prefixes.some((prefix) => region.startsWith(prefix)));

/** In order of preference: the first geography of a region is the one suggested for it. */
export const INFERENCE_PROFILE_GEOGRAPHIES = {
  // AWS also lets Canada (Central) call the US profiles.
  us: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1'],
  'us-gov': regionsStartingWith('us-gov-'),
  eu: regionsStartingWith('eu-'),
  apac: regionsStartingWith('ap-'),
  jp: ['ap-northeast-1', 'ap-northeast-3'],
  au: ['ap-southeast-2', 'ap-southeast-4'],
  ca: ['ca-central-1', 'ca-west-1'],
  // Every commercial region; GovCloud has its own partition.
  global: BEDROCK_REGIONS.filter((region) => !region.startsWith('us-gov-')),
} as const satisfies Record<string, readonly BedrockRegion[]>;

export type InferenceProfilePrefix = keyof typeof INFERENCE_PROFILE_GEOGRAPHIES;

/** `us`, `eu`, `apac`, ...: what a cross-region inference profile id starts with. */
export const INFERENCE_PROFILE_PREFIXES = Object.keys(
  INFERENCE_PROFILE_GEOGRAPHIES,
) as InferenceProfilePrefix[];

/** Whether a profile of this prefix can be called from `region`. */
export function profileServesRegion(prefix: InferenceProfilePrefix, region: string): boolean {
  return (INFERENCE_PROFILE_GEOGRAPHIES[prefix] as readonly string[]).includes(region);
}

/** The profile prefix to suggest for calls from `region`: its first geography, else `global`. */
export function profilePrefixFor(region: string): InferenceProfilePrefix {
  return (
    INFERENCE_PROFILE_PREFIXES.find((prefix) => profileServesRegion(prefix, region)) ?? 'global'
  );
}
