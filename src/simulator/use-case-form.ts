/**
 * The Anthropic first-time-use form, once per account: GetUseCaseForModelAccess reads it,
 * PutUseCaseForModelAccess files it, and Converse refuses Anthropic models until it is on file.
 * `formData` is a Smithy blob, so it travels base64-encoded in the JSON body.
 */
import {
  malformedRequestBody,
  requiredMemberMissing,
  resourceNotFound,
  type SimulatedError,
} from './aws-errors.ts';
import { readJsonObject } from './bedrock-validation.ts';
import type { OperationResult } from './operation-result.ts';
import { FORM_DATA_MAX_BYTES, FORM_DATA_MIN_BYTES } from './wire-vocabulary.ts';

/** What the simulator files for an account whose scenario says the form was submitted. */
const EXAMPLE_FORM = {
  companyName: 'Example Corp',
  companyWebsite: 'https://example.com',
  intendedUsers: '0',
  industryOption: 'Technology',
  otherIndustryOption: '',
  useCases: 'Checking Amazon Bedrock model access (bedrock-access-monitor simulator)',
};

export const USE_CASE_NOT_FOUND_MESSAGE =
  'Model use case details have not been submitted for this account.';

export class UseCaseForm {
  private formData: string | undefined;

  constructor(submitted: boolean) {
    this.formData = submitted
      ? Buffer.from(JSON.stringify(EXAMPLE_FORM)).toString('base64')
      : undefined;
  }

  isOnFile(): boolean {
    return this.formData !== undefined;
  }

  get(): OperationResult {
    if (this.formData === undefined) {
      return { ok: false, error: resourceNotFound(USE_CASE_NOT_FOUND_MESSAGE) };
    }
    return { ok: true, body: { formData: this.formData } };
  }

  put(body: string): OperationResult {
    const input = readJsonObject(body);
    if (!input.ok) return input;
    const { formData } = input.value;
    if (formData === undefined || formData === null) {
      return { ok: false, error: requiredMemberMissing('formData') };
    }
    if (typeof formData !== 'string' || !BASE64.test(formData)) {
      return { ok: false, error: malformedRequestBody() };
    }
    const bytes = Buffer.from(formData, 'base64').length;
    if (bytes < FORM_DATA_MIN_BYTES || bytes > FORM_DATA_MAX_BYTES) {
      return { ok: false, error: formDataLengthError(bytes) };
    }
    this.formData = formData;
    return { ok: true, body: {}, status: 201 };
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function formDataLengthError(bytes: number): SimulatedError {
  const constraint =
    bytes < FORM_DATA_MIN_BYTES
      ? `Member must have length greater than or equal to ${FORM_DATA_MIN_BYTES}`
      : `Member must have length less than or equal to ${FORM_DATA_MAX_BYTES}`;
  return {
    name: 'ValidationException',
    status: 400,
    message: `1 validation error detected: Value at 'formData' failed to satisfy constraint: ${constraint}`,
  };
}
