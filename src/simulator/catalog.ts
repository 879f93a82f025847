/**
 * The foundation models the simulator knows: scenario entries completed with defaults guessed
 * from the model id, so a scenario may name just `id`, and their ListFoundationModels /
 * GetFoundationModel wire shape.
 */
import type { CatalogModelSpec, LifecycleSpec } from './scenario-schema.ts';
import {
  foundationModelArn,
  type InferenceType,
  type LifecycleStatus,
  type ModelCustomization,
  type ModelModality,
} from './wire-vocabulary.ts';

export interface CatalogModel {
  id: string;
  name: string;
  provider: string;
  lifecycle: LifecycleStatus;
  /** The lifecycle's dates at the start, before any catalog timeline entry is in force. */
  lifecycleDates: LifecycleDates;
  inputModalities: ModelModality[];
  outputModalities: ModelModality[];
  responseStreamingSupported: boolean;
  customizationsSupported: ModelCustomization[];
  inferenceTypesSupported: InferenceType[];
  /** Undefined: offered in every region. */
  regions: string[] | undefined;
}

/** The dates of a lifecycle as scripted (a fixed moment or a distance from the start). */
export type LifecycleDates = Omit<LifecycleSpec, 'status'>;

/** `FoundationModelLifecycle` at one moment: the status and each date in epoch milliseconds. */
export interface ModelLifecycleAt {
  status: LifecycleStatus;
  startOfLifeTime?: number;
  legacyTime?: number;
  publicExtendedAccessTime?: number;
  endOfLifeTime?: number;
}

/** Provider names as ListFoundationModels spells them, by model id prefix. */
const PROVIDER_NAMES: Record<string, string> = {
  ai21: 'AI21 Labs',
  amazon: 'Amazon',
  anthropic: 'Anthropic',
  cohere: 'Cohere',
  deepseek: 'DeepSeek',
  luma: 'Luma AI',
  meta: 'Meta',
  mistral: 'Mistral AI',
  openai: 'OpenAI',
  qwen: 'Qwen',
  stability: 'Stability AI',
  twelvelabs: 'TwelveLabs',
  writer: 'Writer',
};

/** Smithy BrandedName allows at most 20 characters. */
const MAX_NAME_LENGTH = 20;

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `anthropic.claude-3-sonnet-20240229-v1:0` -> `Claude 3 Sonnet`. */
export function nameFromModelId(modelId: string): string {
  const withoutProvider = modelId.slice(modelId.indexOf('.') + 1);
  const words = withoutProvider
    .replace(/:.*$/, '')
    .split(/[-.]/)
    .filter((word) => !/^v\d+$/.test(word) && !/^\d{8}$/.test(word));
  return words.map(capitalize).join(' ').slice(0, MAX_NAME_LENGTH).trim();
}

export function providerFromModelId(modelId: string): string {
  const prefix = modelId.slice(0, modelId.indexOf('.'));
  return PROVIDER_NAMES[prefix] ?? capitalize(prefix);
}

function outputModalitiesFromModelId(modelId: string): ModelModality[] {
  if (/embed/.test(modelId)) return ['EMBEDDING'];
  if (/image|canvas|stable-diffusion|sd3|\.stable-/.test(modelId)) return ['IMAGE'];
  return ['TEXT'];
}

export function resolveCatalogModel(spec: CatalogModelSpec): CatalogModel {
  const outputModalities = spec.outputModalities ?? outputModalitiesFromModelId(spec.id);
  const { status, ...lifecycleDates } = spec.lifecycle;
  return {
    id: spec.id,
    name: spec.name ?? nameFromModelId(spec.id),
    provider: spec.provider ?? providerFromModelId(spec.id),
    lifecycle: status,
    lifecycleDates,
    inputModalities: spec.inputModalities ?? ['TEXT'],
    outputModalities,
    responseStreamingSupported:
      spec.responseStreamingSupported ?? outputModalities.includes('TEXT'),
    customizationsSupported: spec.customizationsSupported ?? [],
    inferenceTypesSupported: spec.inferenceTypesSupported ?? ['ON_DEMAND'],
    regions: spec.regions,
  };
}

const LIFECYCLE_DATE_ORDER = [
  'startOfLifeTime',
  'endOfLifeTime',
  'legacyTime',
  'publicExtendedAccessTime',
] as const;

/** `modelLifecycle` on the wire: the status, and each date that is set as an ISO-8601 string. */
function lifecycleWireShape(lifecycle: ModelLifecycleAt): Record<string, string> {
  const shape: Record<string, string> = { status: lifecycle.status };
  for (const field of LIFECYCLE_DATE_ORDER) {
    const ms = lifecycle[field];
    if (ms !== undefined) shape[field] = new Date(ms).toISOString();
  }
  return shape;
}

/** FoundationModelSummary and FoundationModelDetails have the same members. */
export function foundationModelWireShape(
  model: CatalogModel,
  region: string,
  lifecycle: ModelLifecycleAt,
) {
  return {
    modelArn: foundationModelArn(region, model.id),
    modelId: model.id,
    modelName: model.name,
    providerName: model.provider,
    inputModalities: model.inputModalities,
    outputModalities: model.outputModalities,
    responseStreamingSupported: model.responseStreamingSupported,
    customizationsSupported: model.customizationsSupported,
    inferenceTypesSupported: model.inferenceTypesSupported,
    modelLifecycle: lifecycleWireShape(lifecycle),
  };
}

export interface ListFilters {
  byProvider?: string;
  byOutputModality?: string;
  byInferenceType?: string;
  byCustomizationType?: string;
}

/** ListFoundationModels filters; AWS matches the provider without regard to case. */
export function matchesListFilters(model: CatalogModel, filters: ListFilters): boolean {
  const { byProvider, byOutputModality, byInferenceType, byCustomizationType } = filters;
  if (byProvider !== undefined && model.provider.toLowerCase() !== byProvider.toLowerCase()) {
    return false;
  }
  if (
    byOutputModality !== undefined &&
    !model.outputModalities.some((m) => m === byOutputModality)
  ) {
    return false;
  }
  if (
    byInferenceType !== undefined &&
    !model.inferenceTypesSupported.some((t) => t === byInferenceType)
  ) {
    return false;
  }
  if (
    byCustomizationType !== undefined &&
    !model.customizationsSupported.some((c) => c === byCustomizationType)
  ) {
    return false;
  }
  return true;
}
