/**
 * Garbles a successful answer the ways a broken proxy, a truncated connection or a newer API
 * version could: `not-json` (the body cut in half), `missing-fields` (required members
 * dropped, only the model id kept), `unknown-enum` (an enum value this SDK does not know; an
 * unknown member where the answer has no enum), `bad-timestamp` (a lifecycle date that is no
 * ISO-8601 timestamp; the scenario schema allows it only for the answers that have dates).
 */
import type { MalformedKind } from './scenario-schema.ts';
import type { BedrockOperation } from './wire-vocabulary.ts';

type Body = Record<string, unknown>;
type Model = Record<string, unknown>;

const onlyModelId = (model: Model): Model => ({ modelId: model.modelId });
const unknownLifecycle = (model: Model): Model => ({
  ...model,
  modelLifecycle: { status: 'RETIRED' },
});

const badLifecycleDate = (model: Model): Model => ({
  ...model,
  modelLifecycle: {
    ...(model.modelLifecycle as Model),
    endOfLifeTime: 'the first of March',
  },
});

function breakTimestamp(operation: BedrockOperation, body: Body): Body {
  if (operation === 'ListFoundationModels') {
    return { modelSummaries: (body.modelSummaries as Model[]).map(badLifecycleDate) };
  }
  if (operation === 'GetFoundationModel') {
    return { modelDetails: badLifecycleDate(body.modelDetails as Model) };
  }
  throw new RangeError(`${operation} answers have no timestamp to break`);
}

function dropRequiredMembers(operation: BedrockOperation, body: Body): Body {
  switch (operation) {
    case 'GetFoundationModelAvailability':
    case 'ListFoundationModelAgreementOffers':
      return { modelId: body.modelId };
    case 'ListFoundationModels':
      return { modelSummaries: (body.modelSummaries as Model[]).map(onlyModelId) };
    case 'GetFoundationModel':
      return { modelDetails: onlyModelId(body.modelDetails as Model) };
    case 'Converse':
      // A reply without usage and metrics, and no stop reason.
      return { output: body.output };
    case 'CreateFoundationModelAgreement':
    case 'GetUseCaseForModelAccess':
    case 'PutUseCaseForModelAccess':
      return {};
  }
}

function useUnknownEnum(operation: BedrockOperation, body: Body): Body {
  switch (operation) {
    case 'GetFoundationModelAvailability':
      // The field the monitor reads first for most states.
      return { ...body, agreementAvailability: { status: 'UNDER_REVIEW' } };
    case 'ListFoundationModels':
      return { modelSummaries: (body.modelSummaries as Model[]).map(unknownLifecycle) };
    case 'GetFoundationModel':
      return { modelDetails: unknownLifecycle(body.modelDetails as Model) };
    case 'Converse':
      return { ...body, stopReason: 'paused_for_review' };
    // No enum in these answers: an unknown member is the nearest a newer API version comes.
    case 'ListFoundationModelAgreementOffers':
    case 'CreateFoundationModelAgreement':
    case 'GetUseCaseForModelAccess':
    case 'PutUseCaseForModelAccess':
      return { ...body, agreementChannel: 'UNKNOWN_CHANNEL' };
  }
}

export function malformBody(operation: BedrockOperation, body: Body, kind: MalformedKind): string {
  switch (kind) {
    case 'not-json': {
      const text = JSON.stringify(body);
      return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    }
    case 'missing-fields':
      return JSON.stringify(dropRequiredMembers(operation, body));
    case 'unknown-enum':
      return JSON.stringify(useUnknownEnum(operation, body));
    case 'bad-timestamp':
      return JSON.stringify(breakTimestamp(operation, body));
  }
}
