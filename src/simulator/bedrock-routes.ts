/**
 * Maps a request line to a Bedrock operation, by the `smithy.api#http` traits of the models
 * (control plane and runtime share the signing name `bedrock`; their paths do not overlap).
 * Labels stay percent-encoded here (the SDK sends `:` as %3A, `/` as %2F); the operation
 * decodes and validates them, so a bad label gets a ValidationException like AWS's.
 */
import type { BedrockOperation } from './wire-vocabulary.ts';

export interface BedrockRoute {
  operation: BedrockOperation;
  /** The encoded path label, for operations that have one. */
  label: string | undefined;
}

const ROUTES: { method: 'GET' | 'POST'; operation: BedrockOperation; pattern: RegExp }[] = [
  {
    method: 'GET',
    operation: 'GetFoundationModelAvailability',
    pattern: /^\/foundation-model-availability\/([^/]+)$/,
  },
  { method: 'GET', operation: 'ListFoundationModels', pattern: /^\/foundation-models$/ },
  { method: 'GET', operation: 'GetFoundationModel', pattern: /^\/foundation-models\/([^/]+)$/ },
  {
    method: 'GET',
    operation: 'ListFoundationModelAgreementOffers',
    pattern: /^\/list-foundation-model-agreement-offers\/([^/]+)$/,
  },
  {
    method: 'POST',
    operation: 'CreateFoundationModelAgreement',
    pattern: /^\/create-foundation-model-agreement$/,
  },
  {
    method: 'GET',
    operation: 'GetUseCaseForModelAccess',
    pattern: /^\/use-case-for-model-access$/,
  },
  {
    method: 'POST',
    operation: 'PutUseCaseForModelAccess',
    pattern: /^\/use-case-for-model-access$/,
  },
  { method: 'POST', operation: 'Converse', pattern: /^\/model\/([^/]+)\/converse$/ },
];

export function matchBedrockRoute(method: string, pathname: string): BedrockRoute | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (match) return { operation: route.operation, label: match[1] };
  }
  return undefined;
}
