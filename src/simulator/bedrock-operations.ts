/**
 * The Bedrock operations, answering from the scenario at the current simulated time. Each
 * returns the success body (shapes as in the Smithy models) or the error AWS would send;
 * faults are applied around them by the simulator.
 */

import {
  createFoundationModelAgreement,
  listFoundationModelAgreementOffers,
} from './agreement-operations.ts';
import { modelNotFound, resourceNotFound } from './aws-errors.ts';
import { type Validated, validateLabel, validateListFilters } from './bedrock-validation.ts';
import { foundationModelWireShape, matchesListFilters } from './catalog.ts';
import type { CatalogBook } from './catalog-book.ts';
import { converse } from './converse.ts';
import type { AccountGrants } from './grant-book.ts';
import type { OperationResult } from './operation-result.ts';
import type { SimTime } from './timeline.ts';
import type { UseCaseForm } from './use-case-form.ts';
import {
  BEDROCK_MODEL_ID_MAX_LENGTH,
  BEDROCK_MODEL_ID_PATTERN,
  type BedrockOperation,
  CONVERSATIONAL_MODEL_ID_MAX_LENGTH,
  CONVERSATIONAL_MODEL_ID_PATTERN,
  MODEL_IDENTIFIER_MAX_LENGTH,
  MODEL_IDENTIFIER_PATTERN,
  modelIdFromIdentifier,
} from './wire-vocabulary.ts';

export type { OperationResult } from './operation-result.ts';

export interface OperationContext {
  region: string;
  time: SimTime;
  /** The simulator's clock in epoch milliseconds, which lifecycle dates are compared with. */
  nowMs: number;
  grants: AccountGrants;
  catalog: CatalogBook;
  /** The account's Anthropic use-case form. */
  useCaseForm: UseCaseForm;
  account: string;
  callerArn: string;
  /** What the simulator waits before answering (Converse reports it as metrics.latencyMs). */
  delayMs: number;
}

/** What a request carries besides its operation. */
export interface OperationInput {
  /** The decoded, validated path label, for operations that have one. */
  label: string | undefined;
  query: URLSearchParams;
  body: string;
}

export function getFoundationModelAvailability(
  context: OperationContext,
  modelId: string,
): OperationResult {
  const answer = context.grants.answer(context.region, modelId, context.time);
  if (answer.kind === 'notFound') {
    return {
      ok: false,
      error: answer.message
        ? resourceNotFound(answer.message)
        : modelNotFound(modelId, context.region),
    };
  }
  const { fields } = answer;
  return {
    ok: true,
    body: {
      modelId,
      agreementAvailability:
        fields.agreementError === undefined
          ? { status: fields.agreement }
          : { status: fields.agreement, errorMessage: fields.agreementError },
      authorizationStatus: fields.authorization,
      entitlementAvailability: fields.entitlement,
      regionAvailability: fields.region,
    },
  };
}

export function listFoundationModels(
  context: OperationContext,
  query: URLSearchParams,
): OperationResult {
  const filters = validateListFilters(query);
  if (!filters.ok) return filters;
  const modelSummaries = context.catalog
    .listed(context.region, context.time, context.nowMs)
    .filter(({ model }) => matchesListFilters(model, filters.value))
    .map(({ model, lifecycle }) => foundationModelWireShape(model, context.region, lifecycle));
  return { ok: true, body: { modelSummaries } };
}

/** Accepts a model id or a foundation-model ARN, as AWS does; 404 for a model not listed. */
export function getFoundationModel(
  context: OperationContext,
  modelIdentifier: string,
): OperationResult {
  const modelId = modelIdFromIdentifier(modelIdentifier);
  const listed = context.catalog.find(context.region, modelId, context.time, context.nowMs);
  if (!listed) return { ok: false, error: modelNotFound(modelIdentifier, context.region) };
  const modelDetails = foundationModelWireShape(listed.model, context.region, listed.lifecycle);
  return { ok: true, body: { modelDetails } };
}

/** Validates the path label of an operation that has one; returns it decoded. */
export function readModelLabel(
  operation: BedrockOperation,
  encodedLabel: string | undefined,
): Validated<string | undefined> {
  if (encodedLabel === undefined) return { ok: true, value: undefined };
  switch (operation) {
    case 'GetFoundationModel':
      return validateLabel(
        encodedLabel,
        'modelIdentifier',
        MODEL_IDENTIFIER_PATTERN,
        MODEL_IDENTIFIER_MAX_LENGTH,
      );
    case 'Converse':
      return validateLabel(
        encodedLabel,
        'modelId',
        CONVERSATIONAL_MODEL_ID_PATTERN,
        CONVERSATIONAL_MODEL_ID_MAX_LENGTH,
        true,
      );
    default:
      return validateLabel(
        encodedLabel,
        'modelId',
        BEDROCK_MODEL_ID_PATTERN,
        BEDROCK_MODEL_ID_MAX_LENGTH,
      );
  }
}

/** Runs `operation` with its decoded, validated label (if it has one), query and body. */
export function runOperation(
  context: OperationContext,
  operation: BedrockOperation,
  input: OperationInput,
): OperationResult {
  const label = input.label ?? '';
  switch (operation) {
    case 'GetFoundationModelAvailability':
      return getFoundationModelAvailability(context, label);
    case 'ListFoundationModels':
      return listFoundationModels(context, input.query);
    case 'GetFoundationModel':
      return getFoundationModel(context, label);
    case 'ListFoundationModelAgreementOffers':
      return listFoundationModelAgreementOffers(context, label, input.query);
    case 'CreateFoundationModelAgreement':
      return createFoundationModelAgreement(context, input.body);
    case 'GetUseCaseForModelAccess':
      return context.useCaseForm.get();
    case 'PutUseCaseForModelAccess':
      return context.useCaseForm.put(input.body);
    case 'Converse':
      return converse(
        { ...context, useCaseFormOnFile: context.useCaseForm.isOnFile() },
        label,
        input.body,
      );
  }
}
