/**
 * Maps a request line to a Bedrock operation, by the `smithy.api#http` traits of the model.
 * Labels stay percent-encoded here (the SDK sends `:` as %3A, `/` as %2F); the operation
 * decodes and validates them, so a bad label gets a ValidationException like AWS's.
 */
import type { BedrockOperation } from './wire-vocabulary.ts';

export interface BedrockRoute {
  operation: BedrockOperation;
  /** The encoded path label, for operations that have one. */
  label: string | undefined;
}

const ROUTES: { operation: BedrockOperation; pattern: RegExp }[] = [
  {
    operation: 'GetFoundationModelAvailability',
    pattern: /^\/foundation-model-availability\/([^/]+)$/,
  },
  { operation: 'ListFoundationModels', pattern: /^\/foundation-models$/ },
  { operation: 'GetFoundationModel', pattern: /^\/foundation-models\/([^/]+)$/ },
];

export function matchBedrockRoute(method: string, pathname: string): BedrockRoute | undefined {
  if (method !== 'GET') return undefined;
  for (const { operation, pattern } of ROUTES) {
    const match = pattern.exec(pathname);
    if (match) return { operation, label: match[1] };
  }
  return undefined;
}
