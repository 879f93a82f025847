import { NoCredentialsError } from '../errors.ts';

const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'ProviderError']);

/** True for the SDK's "no credentials in the default chain" errors (matched by name). */
export function isNoCredentialsError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && NO_CREDENTIALS.has(name);
}

/** The one line a person at the keyboard gets when the default chain has no credentials. */
export function noCredentialsError(command: string, cause?: unknown): NoCredentialsError {
  return new NoCredentialsError(
    `No AWS credentials found. Set AWS_PROFILE (after \`aws configure\` or \`aws sso login\`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run ${command} again. To try the monitor without an AWS account: npm run demo`,
    { cause },
  );
}

/** Rethrows the SDK's missing-credentials error as a NoCredentialsError; ignores the rest. */
export function rethrowIfNoCredentials(error: unknown, command: string): void {
  if (isNoCredentialsError(error)) throw noCredentialsError(command, error);
}
