/**
 * Node's error codes for a request that never got an HTTP answer (refused, reset, timed out,
 * no DNS, a broken HTTP/2 stream). Shared by both classifiers: a check or a verification call
 * that failed this way says nothing about access.
 */
export const NETWORK_ERROR_CODES: readonly string[] = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPROTO',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP2_STREAM_ERROR',
  'ERR_HTTP2_SESSION_ERROR',
  'ERR_HTTP2_GOAWAY_SESSION',
  'ERR_HTTP2_STREAM_CANCEL',
  'ERR_HTTP2_ERROR',
];

/**
 * Errors the SDK raises on the client side for a call that AWS never answered: its own
 * timeouts, an aborted request, credentials it could not get.
 */
const SDK_CLIENT_ERROR_NAMES: readonly string[] = [
  'TimeoutError',
  'AbortError',
  'CredentialsProviderError',
  'TokenProviderError',
  'ProviderError',
];

/**
 * Whether an error came from AWS, the SDK or the network: an answer AWS gave (the SDK attaches
 * `$metadata`, and `$response` to an answer it could not read), an SDK client-side failure, or
 * a socket error. Anything else (a RangeError, a TypeError, ...) is a defect of this program:
 * it must fail the run loudly, never pass for a transient AWS failure.
 */
export function isAwsOrNetworkError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { $metadata?: unknown; $response?: unknown; name?: unknown; code?: unknown };
  if (e.$metadata !== undefined || e.$response !== undefined) return true;
  if (typeof e.name === 'string' && SDK_CLIENT_ERROR_NAMES.includes(e.name)) return true;
  return typeof e.code === 'string' && NETWORK_ERROR_CODES.includes(e.code);
}
