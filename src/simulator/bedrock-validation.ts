/**
 * Input validation as AWS does it before running an operation: labels against the Smithy
 * patterns and lengths, query parameters against their enums. The SDK checks none of this
 * client-side, so a bad model id reaches the server and comes back as ValidationException.
 */
import { type SimulatedError, validationFailed } from './aws-errors.ts';
import type { ListFilters } from './catalog.ts';
import {
  INFERENCE_TYPES,
  MODEL_CUSTOMIZATIONS,
  MODEL_MODALITIES,
  PROVIDER_PATTERN,
} from './wire-vocabulary.ts';

export type Validated<T> = { ok: true; value: T } | { ok: false; error: SimulatedError };

/** Decodes a path label and checks it against its member's pattern and maximum length. */
export function validateLabel(
  encoded: string,
  member: string,
  pattern: string,
  maxLength: number,
): Validated<string> {
  let value: string;
  try {
    value = decodeURIComponent(encoded);
  } catch {
    return {
      ok: false,
      error: validationFailed(encoded, member, 'Member must be valid percent-encoded UTF-8'),
    };
  }
  if (value.length > maxLength) {
    const constraint = `Member must have length less than or equal to ${maxLength}`;
    return { ok: false, error: validationFailed(value, member, constraint) };
  }
  if (!new RegExp(pattern).test(value)) {
    const constraint = `Member must satisfy regular expression pattern: ${pattern}`;
    return { ok: false, error: validationFailed(value, member, constraint) };
  }
  return { ok: true, value };
}

const ENUM_FILTERS = {
  byOutputModality: MODEL_MODALITIES,
  byInferenceType: INFERENCE_TYPES,
  byCustomizationType: MODEL_CUSTOMIZATIONS,
} as const;

/** Reads the ListFoundationModels filters from the query string. */
export function validateListFilters(query: URLSearchParams): Validated<ListFilters> {
  const filters: ListFilters = {};
  const byProvider = query.get('byProvider');
  if (byProvider !== null) {
    if (!new RegExp(PROVIDER_PATTERN).test(byProvider)) {
      const constraint = `Member must satisfy regular expression pattern: ${PROVIDER_PATTERN}`;
      return { ok: false, error: validationFailed(byProvider, 'byProvider', constraint) };
    }
    filters.byProvider = byProvider;
  }
  for (const [member, allowed] of Object.entries(ENUM_FILTERS)) {
    const value = query.get(member);
    if (value === null) continue;
    if (!(allowed as readonly string[]).includes(value)) {
      const constraint = `Member must satisfy enum value set: [${allowed.join(', ')}]`;
      return { ok: false, error: validationFailed(value, member, constraint) };
    }
    filters[member as keyof typeof ENUM_FILTERS] = value;
  }
  return { ok: true, value: filters };
}
