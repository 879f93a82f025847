/**
 * Input validation as AWS does it before running an operation: labels against the Smithy
 * patterns and lengths, query parameters against their enums. The SDK checks none of this
 * client-side, so a bad model id reaches the server and comes back as ValidationException.
 */
import { malformedRequestBody, type SimulatedError, validationFailed } from './aws-errors.ts';
import type { ListFilters } from './catalog.ts';
import {
  INFERENCE_TYPES,
  MODEL_CUSTOMIZATIONS,
  MODEL_MODALITIES,
  PROVIDER_PATTERN,
} from './wire-vocabulary.ts';

export type Validated<T> = { ok: true; value: T } | { ok: false; error: SimulatedError };

/**
 * Decodes a path label and checks it against its member's pattern and maximum length.
 * `wholeString` anchors a pattern whose alternatives are not all anchored (ConversationalModelId),
 * as the service matches the whole value.
 */
export function validateLabel(
  encoded: string,
  member: string,
  pattern: string,
  maxLength: number,
  wholeString = false,
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
  return validateMember(value, member, pattern, maxLength, wholeString);
}

/** Checks a string member (a decoded label or a body member) against its pattern and length. */
export function validateMember(
  value: string,
  member: string,
  pattern: string,
  maxLength: number,
  wholeString = false,
): Validated<string> {
  if (value.length > maxLength) {
    const constraint = `Member must have length less than or equal to ${maxLength}`;
    return { ok: false, error: validationFailed(value, member, constraint) };
  }
  const matcher = new RegExp(wholeString ? `^(?:${pattern})$` : pattern);
  if (!matcher.test(value)) {
    const constraint = `Member must satisfy regular expression pattern: ${pattern}`;
    return { ok: false, error: validationFailed(value, member, constraint) };
  }
  return { ok: true, value };
}

/** The JSON object a REST-JSON operation takes as its body; an empty body is `{}`. */
export function readJsonObject(body: string): Validated<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(body.trim() === '' ? '{}' : body);
  } catch {
    return { ok: false, error: malformedRequestBody() };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: malformedRequestBody() };
  }
  return { ok: true, value: value as Record<string, unknown> };
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
