/**
 * What GetFoundationModelAvailability answers for one (region, model) at one moment, and how a
 * scenario's `state` shorthand becomes those fields. Each shorthand changes exactly one field
 * of the ENABLED answer, the one DESIGN.md's precedence table reads for that state.
 */
import type { GrantState } from '../grants/types.ts';
import type { AnswerSpec } from './scenario-schema.ts';
import type { AgreementStatus, AuthorizationStatus, AvailabilityValue } from './wire-vocabulary.ts';

export interface AvailabilityFields {
  agreement: AgreementStatus;
  agreementError: string | undefined;
  authorization: AuthorizationStatus;
  entitlement: AvailabilityValue;
  region: AvailabilityValue;
}

/** Either the four availability fields (HTTP 200) or a 404 ResourceNotFoundException. */
export type GrantAnswer =
  | { kind: 'available'; fields: AvailabilityFields }
  | { kind: 'notFound'; message: string | undefined };

export const ENABLED_FIELDS: AvailabilityFields = {
  agreement: 'AVAILABLE',
  agreementError: undefined,
  authorization: 'AUTHORIZED',
  entitlement: 'AVAILABLE',
  region: 'AVAILABLE',
};

/** The errorMessage of a FAILED shorthand when the scenario gives none. */
export const DEFAULT_AGREEMENT_ERROR = 'The AWS Marketplace subscription for this model failed.';

/** The raw fields that make the monitor derive `state`. */
export function fieldsForState(state: GrantState, message?: string): AvailabilityFields {
  switch (state) {
    case 'NOT_OFFERED':
      return { ...ENABLED_FIELDS, region: 'NOT_AVAILABLE' };
    case 'NOT_AUTHORIZED':
      return { ...ENABLED_FIELDS, authorization: 'NOT_AUTHORIZED' };
    case 'FAILED':
      return {
        ...ENABLED_FIELDS,
        agreement: 'ERROR',
        agreementError: message ?? DEFAULT_AGREEMENT_ERROR,
      };
    case 'IN_PROGRESS':
      return { ...ENABLED_FIELDS, agreement: 'PENDING' };
    case 'NOT_ENABLED':
      return { ...ENABLED_FIELDS, agreement: 'NOT_AVAILABLE' };
    case 'ENABLED':
      return ENABLED_FIELDS;
  }
}

/** Turns a validated `state` / `raw` / `notFound` spec into the answer it stands for. */
export function answerFromSpec(spec: AnswerSpec): GrantAnswer {
  if (spec.notFound) return { kind: 'notFound', message: spec.message };
  if (spec.raw)
    return { kind: 'available', fields: { ...spec.raw, agreementError: spec.raw.agreementError } };
  if (spec.state) return { kind: 'available', fields: fieldsForState(spec.state, spec.message) };
  // The schema guarantees one of the three; this keeps the function total for the compiler.
  throw new Error('answer spec has none of state, raw, notFound');
}

/** A model is listed (ListFoundationModels, GetFoundationModel) only where it is offered. */
export function isOffered(answer: GrantAnswer): boolean {
  return answer.kind === 'available' && answer.fields.region === 'AVAILABLE';
}
