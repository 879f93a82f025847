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
