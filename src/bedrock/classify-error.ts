import type { FailureKind } from '../grants/types.ts';
import { isAwsOrNetworkError, NETWORK_ERROR_CODES } from './network-errors.ts';

export type ClassifiedError =
  | { type: 'not-found'; message: string }
  /** Not an AWS, SDK or network error: a bug of this program, to be thrown, never counted. */
  | { type: 'defect' }
  | { type: 'failure'; kind: FailureKind; errorName: string | null; message: string };

const DENIED = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'MissingAuthenticationTokenException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);
const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException']);
const TIMEOUT = new Set([
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set(NETWORK_ERROR_CODES);

interface SdkLikeError {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Sorts an error from GetFoundationModelAvailability. A 404 is an answer (the model is not
 * offered in that region); everything else is a failure of this one check. AWS errors are
 * matched by name, then by HTTP status for names we do not know. An error that is not from AWS,
 * the SDK or the network is a defect: the caller throws it.
 */
export function classifyCheckError(error: unknown): ClassifiedError {
  if (!isAwsOrNetworkError(error)) return { type: 'defect' };
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkLikeError;
  const name = typeof e.name === 'string' ? e.name : null;
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  const status = e.$metadata?.httpStatusCode;
  const failure = (kind: FailureKind) => ({
    type: 'failure' as const,
    kind,
    errorName: name,
    message,
  });

  if (
    name === 'ResourceNotFoundException' ||
    (status === 404 && name !== 'UnknownOperationException')
  ) {
    return { type: 'not-found', message };
  }
  if (name !== null && THROTTLED.has(name)) return failure('throttled');
  if (name !== null && DENIED.has(name)) return failure('denied');
  if (name !== null && TIMEOUT.has(name)) return failure('timeout');
  if (name === 'ValidationException') return failure('rejected');
  if (name === 'InternalServerException' || name === 'ServiceUnavailableException') {
    return failure('server');
  }
  // The SDK rejects a 200 whose body is not JSON with a plain SyntaxError carrying this note.
  if (name === 'SyntaxError' || message.includes('Deserialization error')) {
    return failure('malformed');
  }
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return failure('network');
  if (status === 429) return failure('throttled');
  if (status === 401 || status === 403) return failure('denied');
  if (status !== undefined && status >= 400 && status < 500) return failure('rejected');
  if (status !== undefined && status >= 500) return failure('server');
  if (status !== undefined && status >= 200 && status < 300) return failure('malformed');
  // No HTTP answer at all: the request never reached Bedrock, or the connection broke.
  return failure('network');
}
