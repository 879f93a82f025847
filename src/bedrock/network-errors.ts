/**
 * Node's error codes for a request that never got an HTTP answer (refused, reset, timed out,
 * no DNS). Shared by both classifiers: a check or a verification call that failed this way
 * says nothing about access.
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
];

const NETWORK_MESSAGE = new RegExp(`\\b(${NETWORK_ERROR_CODES.join('|')})\\b|socket hang up`, 'i');

/**
 * Whether an error's message says the request never got an answer: the SDK's HTTP/2 handler
 * wraps Node's error ("The pending stream has been canceled (caused by: connect ECONNREFUSED
 * ...)"), so its code is only in the text.
 */
export function mentionsNetworkFailure(message: string): boolean {
  return NETWORK_MESSAGE.test(message);
}
