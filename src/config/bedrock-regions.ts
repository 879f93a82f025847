/**
 * AWS regions with a Bedrock control-plane endpoint (commercial partition and GovCloud), from
 * botocore's endpoints.json as summarised in reference/bedrock-facts.md section 1. An endpoint
 * does not mean a given model is offered there; GetFoundationModelAvailability says that.
 * Update this list when AWS opens Bedrock in a new region.
 */
export const BEDROCK_REGIONS = [
  'af-south-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'mx-central-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'us-gov-east-1',
  'us-gov-west-1',
] as const;

export type BedrockRegion = (typeof BEDROCK_REGIONS)[number];

const bedrockRegionSet: ReadonlySet<string> = new Set(BEDROCK_REGIONS);

/** True when `value` names a region where Bedrock has an endpoint. */
export function isBedrockRegion(value: unknown): value is BedrockRegion {
  return typeof value === 'string' && bedrockRegionSet.has(value);
}
