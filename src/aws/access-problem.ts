/**
 * Errors that say AWS could not be asked at all with the caller's credentials, as opposed to an
 * answer about Bedrock: none found, a profile that cannot give any (an SSO session to renew),
 * credentials AWS refuses as expired or invalid, or no route to the endpoint. Matched by the
 * SDK's error names and Node's error codes, anywhere in the chain of causes.
 */
import { NETWORK_ERROR_CODES } from '../bedrock/network-errors.ts';
import { AwsAccessError } from '../errors.ts';

export type AccessProblemKind =
  /** The default chain found nothing at all. */
  | 'no-credentials'
  /** A credential provider found something and gave up with a reason (SSO session, process). */
  | 'provider-failed'
  | 'expired'
  | 'invalid'
  | 'unreachable';

export interface AccessProblem {
  kind: AccessProblemKind;
  /** The SDK's or Node's own words, `Name: message`, kept for the person to read. */
  reason: string;
}

// The SDK's credential providers; "Could not load credentials from any providers" is the
// chain's own message when no provider had anything.
const PROVIDER_ERRORS = new Set([
  'CredentialsProviderError',
  'ProviderError',
  'TokenProviderError',
]);
const NOTHING_FOUND = 'Could not load credentials from any providers';

// Query services (STS) and REST/JSON services (Bedrock, DynamoDB) name them differently.
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired']);
const INVALID = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'InvalidAccessKeyId',
  'AuthFailure',
]);
const NETWORK = new Set(NETWORK_ERROR_CODES);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

/** The access problem `error` (or one of its causes) reports, if any. */
export function findAccessProblem(error: unknown): AccessProblem | undefined {
  const seen = new Set<unknown>();
  for (let current = error; isObject(current) && !seen.has(current); ) {
    seen.add(current);
    if (current instanceof AwsAccessError) return current.problem;
    const problem = accessProblemOf(current);
    if (problem !== undefined) return problem;
    current = current.cause;
  }
  return undefined;
}

/** A credential problem: worth stopping a command for, unlike a network failure some steps report. */
export function isCredentialProblem(problem: AccessProblem | undefined): boolean {
  return problem !== undefined && problem.kind !== 'unreachable';
}

/**
 * Rethrows an error that says the credentials cannot be used, so that a command stops there
 * (and the CLI explains it) instead of reporting it as an answer of Bedrock.
 */
export function rethrowIfCredentialProblem(error: unknown): void {
  if (isCredentialProblem(findAccessProblem(error))) throw error;
}

function accessProblemOf(error: ErrorLike): AccessProblem | undefined {
  const name = typeof error.name === 'string' ? error.name : '';
  const message = typeof error.message === 'string' ? error.message : '';
  const reason = name === '' || name === 'Error' ? message : `${name}: ${message}`;
  if (PROVIDER_ERRORS.has(name)) {
    // The provider's message is the reason; its class name adds nothing for a person.
    const kind = message.startsWith(NOTHING_FOUND) ? 'no-credentials' : 'provider-failed';
    return { kind, reason: message };
  }
  if (EXPIRED.has(name)) return { kind: 'expired', reason };
  if (INVALID.has(name)) return { kind: 'invalid', reason };
  if (typeof error.code === 'string' && NETWORK.has(error.code)) {
    return { kind: 'unreachable', reason };
  }
  return undefined;
}

function isObject(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null;
}
