/**
 * The enum values and identifier patterns of the Bedrock control plane, as the Smithy model
 * (`com.amazonaws.bedrock`, 2023-04-20) defines them. The scenario schema and the request
 * validation both use them, so a scenario can only script answers AWS could give.
 */

export const BEDROCK_OPERATIONS = [
  'GetFoundationModelAvailability',
  'ListFoundationModels',
  'GetFoundationModel',
] as const;
export type BedrockOperation = (typeof BEDROCK_OPERATIONS)[number];

export const AGREEMENT_STATUSES = ['AVAILABLE', 'PENDING', 'NOT_AVAILABLE', 'ERROR'] as const;
export const AUTHORIZATION_STATUSES = ['AUTHORIZED', 'NOT_AUTHORIZED'] as const;
/** EntitlementAvailability and RegionAvailability share these two values. */
export const AVAILABILITY_VALUES = ['AVAILABLE', 'NOT_AVAILABLE'] as const;

export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];
export type AuthorizationStatus = (typeof AUTHORIZATION_STATUSES)[number];
export type AvailabilityValue = (typeof AVAILABILITY_VALUES)[number];

export const MODEL_MODALITIES = ['TEXT', 'IMAGE', 'EMBEDDING'] as const;
export const MODEL_CUSTOMIZATIONS = [
  'FINE_TUNING',
  'CONTINUED_PRE_TRAINING',
  'DISTILLATION',
] as const;
export const INFERENCE_TYPES = ['ON_DEMAND', 'PROVISIONED'] as const;
export const LIFECYCLE_STATUSES = ['ACTIVE', 'LEGACY'] as const;

export type ModelModality = (typeof MODEL_MODALITIES)[number];
export type ModelCustomization = (typeof MODEL_CUSTOMIZATIONS)[number];
export type InferenceType = (typeof INFERENCE_TYPES)[number];
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

/** Smithy `BedrockModelId` (max length 140): the `modelId` label of GetFoundationModelAvailability. */
export const BEDROCK_MODEL_ID_PATTERN =
  '^[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}(/[a-z0-9]{12}|)$';
export const BEDROCK_MODEL_ID_MAX_LENGTH = 140;

/** Smithy `ModelIdentifier` (length 1..2048): the label of GetFoundationModel; ARNs allowed. */
export const MODEL_IDENTIFIER_PATTERN =
  '^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/((imported)|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}))(([:][a-z0-9-]{1,63}){0,2})?/[a-z0-9]{12})|(:foundation-model/([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})))|(([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2}))|(([0-9a-zA-Z][_-]?)+)$';
export const MODEL_IDENTIFIER_MAX_LENGTH = 2048;

/** Smithy `Provider`: the `byProvider` query parameter of ListFoundationModels. */
export const PROVIDER_PATTERN = '^[A-Za-z0-9- ]{1,63}$';

/** The ARN AWS gives a foundation model: no account, the region of the endpoint. */
export function foundationModelArn(region: string, modelId: string): string {
  return `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
}

/** GetFoundationModel accepts a foundation-model ARN where it accepts a model id. */
export function modelIdFromIdentifier(modelIdentifier: string): string {
  return modelIdentifier.replace(/^arn:aws[^:]*:bedrock:[^:]*::foundation-model\//, '');
}
