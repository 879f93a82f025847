/**
 * "Request access": ListFoundationModelAgreementOffers hands out an offer token per (region,
 * model), and CreateFoundationModelAgreement takes it back and starts the agreement, which the
 * grant book plays out (PENDING, then AVAILABLE or ERROR after the scripted delay).
 */
import { createHash } from 'node:crypto';
import {
  conflict,
  malformedRequestBody,
  modelNotFound,
  requiredMemberMissing,
  validationFailed,
} from './aws-errors.ts';
import { readJsonObject, type Validated, validateMember } from './bedrock-validation.ts';
import type { AvailabilityFields } from './grant-answers.ts';
import type { AccountGrants } from './grant-book.ts';
import type { OperationResult } from './operation-result.ts';
import type { SimTime } from './timeline.ts';
import {
  BEDROCK_MODEL_ID_MAX_LENGTH,
  BEDROCK_MODEL_ID_PATTERN,
  OFFER_TYPES,
} from './wire-vocabulary.ts';

export interface AgreementContext {
  region: string;
  time: SimTime;
  grants: AccountGrants;
}

/**
 * The token of the one offer for a model in a region. Derived, not stored, so it stays valid
 * for the simulator's life and a token for another model or region is recognisably wrong.
 */
export function offerToken(region: string, modelId: string): string {
  return createHash('sha256').update(`offer ${region} ${modelId}`).digest('base64url');
}

function offerId(region: string, modelId: string): string {
  return `offer-${offerToken(region, modelId).slice(0, 16).toLowerCase()}`;
}

/** The fields of a model the region offers now, or the 404 AWS answers for any other. */
function offeredFields(context: AgreementContext, modelId: string): Validated<AvailabilityFields> {
  const answer = context.grants.answer(context.region, modelId, context.time);
  if (answer.kind === 'available' && answer.fields.region === 'AVAILABLE') {
    return { ok: true, value: answer.fields };
  }
  return { ok: false, error: modelNotFound(modelId, context.region) };
}

export function listFoundationModelAgreementOffers(
  context: AgreementContext,
  modelId: string,
  query: URLSearchParams,
): OperationResult {
  const offerType = query.get('offerType');
  if (offerType !== null && !(OFFER_TYPES as readonly string[]).includes(offerType)) {
    const constraint = `Member must satisfy enum value set: [${OFFER_TYPES.join(', ')}]`;
    return { ok: false, error: validationFailed(offerType, 'offerType', constraint) };
  }
  const offered = offeredFields(context, modelId);
  if (!offered.ok) return offered;
  const model = context.grants.model(modelId);
  return {
    ok: true,
    body: {
      modelId,
      offers: [
        {
          offerId: offerId(context.region, modelId),
          offerToken: offerToken(context.region, modelId),
          termDetails: {
            usageBasedPricingTerm: {
              rateCard: [
                {
                  dimension: 'input_tokens',
                  price: '0.003',
                  description: `${model?.name ?? modelId} input tokens (per 1,000)`,
                  unit: 'Units',
                },
                {
                  dimension: 'output_tokens',
                  price: '0.015',
                  description: `${model?.name ?? modelId} output tokens (per 1,000)`,
                  unit: 'Units',
                },
              ],
            },
            legalTerm: { url: 'https://aws.amazon.com/legal/bedrock/third-party-models/' },
            supportTerm: {
              refundPolicyDescription: 'Usage-based charges are not refundable.',
            },
            validityTerm: { agreementDuration: 'P12M' },
          },
        },
      ],
    },
  };
}

export function createFoundationModelAgreement(
  context: AgreementContext,
  body: string,
): OperationResult {
  const input = readJsonObject(body);
  if (!input.ok) return input;
  const { offerToken: token, modelId: rawModelId } = input.value;
  if (token === undefined || token === null) {
    return { ok: false, error: requiredMemberMissing('offerToken') };
  }
  if (rawModelId === undefined || rawModelId === null) {
    return { ok: false, error: requiredMemberMissing('modelId') };
  }
  if (typeof token !== 'string' || typeof rawModelId !== 'string') {
    return { ok: false, error: malformedRequestBody() };
  }
  const modelId = validateMember(
    rawModelId,
    'modelId',
    BEDROCK_MODEL_ID_PATTERN,
    BEDROCK_MODEL_ID_MAX_LENGTH,
  );
  if (!modelId.ok) return modelId;

  const offered = offeredFields(context, modelId.value);
  if (!offered.ok) return offered;
  if (token !== offerToken(context.region, modelId.value)) {
    return {
      ok: false,
      error: {
        name: 'ValidationException',
        status: 400,
        message: `The offer token is not valid for model ${modelId.value}. Get a current token with ListFoundationModelAgreementOffers.`,
      },
    };
  }
  const { agreement } = offered.value;
  if (agreement === 'AVAILABLE' || agreement === 'PENDING') {
    const status = agreement === 'PENDING' ? 'is being created' : 'already exists';
    return { ok: false, error: conflict(`An agreement for model ${modelId.value} ${status}.`) };
  }
  context.grants.createAgreement(context.region, modelId.value, context.time);
  return { ok: true, body: { modelId: modelId.value }, status: 202 };
}
