/**
 * The enum values and identifier patterns of the Bedrock control plane and runtime, as the
 * Smithy models (`com.amazonaws.bedrock` 2023-04-20, `com.amazonaws.bedrockruntime` 2023-09-30)
 * define them. The scenario schema and the request validation both use them, so a scenario
 * can only script answers AWS could give.
 */

/** Every operation the simulator serves; both Bedrock clients sign as `bedrock`, paths differ. */
export const BEDROCK_OPERATIONS = [
  'GetFoundationModelAvailability',
  'ListFoundationModels',
  'GetFoundationModel',
  'ListFoundationModelAgreementOffers',
  'CreateFoundationModelAgreement',
  'GetUseCaseForModelAccess',
  'PutUseCaseForModelAccess',
  'Converse',
] as const;
export type BedrockOperation = (typeof BEDROCK_OPERATIONS)[number];

/** Organizations (JSON 1.1, target prefix AWSOrganizationsV20161128) operations served. */
export const ORGANIZATIONS_OPERATIONS = [
  'ListAccounts',
  'ListAccountsForParent',
  'ListChildren',
] as const;
export type OrganizationsOperation = (typeof ORGANIZATIONS_OPERATIONS)[number];

/** Every operation a fault may name; a fault that names none hits the Bedrock ones only. */
export const FAULT_OPERATIONS = [
  ...BEDROCK_OPERATIONS,
  ...ORGANIZATIONS_OPERATIONS,
  'AssumeRole',
] as const;
export type FaultOperation = (typeof FAULT_OPERATIONS)[number];

/** The 12 digits of an AWS account id (AccountId in organizations.service-2.json). */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** RootId and OrganizationalUnitId in organizations.service-2.json. */
export const ROOT_ID_PATTERN = /^r-[0-9a-z]{4,32}$/;
export const OU_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const ACCOUNT_STATES = [
  'PENDING_ACTIVATION',
  'ACTIVE',
  'SUSPENDED',
  'PENDING_CLOSURE',
  'CLOSED',
] as const;

/** The IAM action that authorizes an operation: Converse is authorized as InvokeModel. */
export function iamActionFor(operation: BedrockOperation): string {
  return `bedrock:${operation === 'Converse' ? 'InvokeModel' : operation}`;
}

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

/** Smithy `ConversationalModelId` (length 1..2048): the `modelId` label of Converse. */
export const CONVERSATIONAL_MODEL_ID_PATTERN =
  '^(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}/[a-z0-9]{12})|(:foundation-model/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|([0-9]{12}:imported-model/[a-z0-9]{12})|([0-9]{12}:provisioned-model/[a-z0-9]{12})|([0-9]{12}:custom-model-deployment/[a-z0-9]{12})|([0-9]{12}:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+)))|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.:]?[a-z0-9-]{1,63}))|(([0-9a-zA-Z][_-]?)+)|([a-zA-Z0-9-:.]+)|(^(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:prompt/[0-9a-zA-Z]{10}(?::[0-9]{1,5})?))$|(^arn:aws:sagemaker:[a-z0-9-]+:[0-9]{12}:endpoint/[a-zA-Z0-9-]+$)|(^arn:aws(-[^:]+)?:bedrock:([0-9a-z-]{1,20}):([0-9]{12}):(default-)?prompt-router/[a-zA-Z0-9-:.]+$)$';
export const CONVERSATIONAL_MODEL_ID_MAX_LENGTH = 2048;

/** Smithy `ConversationRole`. */
export const CONVERSATION_ROLES = ['user', 'assistant'] as const;

/** Smithy `OfferType`: the `offerType` query parameter of ListFoundationModelAgreementOffers. */
export const OFFER_TYPES = ['ALL', 'PUBLIC'] as const;

/** Smithy `AcknowledgementFormDataBody`: the use-case form, 10..16384 bytes. */
export const FORM_DATA_MIN_BYTES = 10;
export const FORM_DATA_MAX_BYTES = 16384;

/**
 * Geographic prefixes of the system-defined cross-region inference profiles
 * (`us.anthropic...`, `global.anthropic...`): the profile id is the prefix plus the model id.
 */
export const INFERENCE_PROFILE_PREFIXES = [
  'us',
  'us-gov',
  'eu',
  'apac',
  'jp',
  'au',
  'ca',
  'global',
] as const;

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

/** `us.anthropic.claude-...` -> `anthropic.claude-...`; undefined for an id without a geo prefix. */
export function modelIdOfInferenceProfile(id: string): string | undefined {
  const dot = id.indexOf('.');
  const prefix = id.slice(0, Math.max(0, dot));
  const rest = id.slice(dot + 1);
  const isPrefix = (INFERENCE_PROFILE_PREFIXES as readonly string[]).includes(prefix);
  return isPrefix && rest.includes('.') ? rest : undefined;
}
