/**
 * The one line a person at the keyboard reads when AWS could not be asked: which credentials
 * (the profile, by name, or the access key in the environment), the real reason in the SDK's
 * own words, and what to do next.
 */
import type { CredentialSource } from '../config/aws-credential-source.ts';
import { closestMatch } from '../text/did-you-mean.ts';
import type { AccessProblem } from './access-problem.ts';

/** One line, no stack: what is wrong, with which credentials, and what to do. */
export function explainAccessProblem(
  problem: AccessProblem,
  source: CredentialSource,
  command: string,
): string {
  const again = `then run ${command} again.`;
  const profile = source.profile;
  const who = describeCredentials(source);
  switch (problem.kind) {
    case 'no-credentials': {
      if (profile !== undefined && !source.profiles.includes(profile)) {
        return `AWS profile "${profile}" (AWS_PROFILE) is not in ${source.configFile} or ${source.credentialsFile} (${profileHint(profile, source.profiles)}): set AWS_PROFILE to a profile that exists (aws configure list-profiles), ${again}`;
      }
      if (profile !== undefined) {
        return `AWS profile "${profile}" (AWS_PROFILE) gives no credentials (${problem.reason}); give it some with \`aws configure --profile ${profile}\` or \`aws sso login --profile ${profile}\`, ${again}`;
      }
      return `No AWS credentials found. Set AWS_PROFILE (after \`aws configure\` or \`aws sso login\`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ${again} To try the monitor without an AWS account: npm run demo`;
    }
    case 'provider-failed':
      return `The credentials of ${who} cannot be used: ${sentence(problem.reason)} ${ssoLogin(problem.reason, profile) ?? 'Fix that'}, ${again}`;
    case 'expired':
      return `The credentials of ${who} have expired: AWS answered ${sentence(problem.reason)} Get fresh ones (${refresh(profile)}), ${again}`;
    case 'invalid':
      return `AWS does not accept the credentials of ${who}: ${sentence(problem.reason)} Check the access key id and secret (\`aws configure list\` shows which are used), or sign in again, ${again}`;
    case 'unreachable': {
      const endpoints =
        source.endpointOverrides.length === 0 ? '' : ` (${source.endpointOverrides.join(', ')})`;
      return `Could not reach AWS${endpoints}: ${sentence(problem.reason)} This is a network problem, not an answer from AWS: check the connection, DNS, any proxy and the AWS_ENDPOINT_URL_* settings, ${again}`;
    }
  }
}

/** The credentials the SDK used, as the user set them up. */
function describeCredentials(source: CredentialSource): string {
  if (source.profile !== undefined) return `AWS profile "${source.profile}" (AWS_PROFILE)`;
  if (source.accessKeyInEnvironment) return 'the access key in AWS_ACCESS_KEY_ID';
  if (source.profiles.includes('default')) return 'AWS profile "default"';
  return 'the default credential chain';
}

function profileHint(profile: string, profiles: readonly string[]): string {
  const match = closestMatch(profile, profiles);
  if (match !== undefined) return `did you mean "${match}"?`;
  if (profiles.length === 0) return 'they define no profile';
  return `they define ${profiles.map((name) => `"${name}"`).join(', ')}`;
}

// The SDK's SSO messages say "run aws sso login with the corresponding profile": name it.
function ssoLogin(reason: string, profile: string | undefined): string | undefined {
  if (!/aws sso login/.test(reason)) return undefined;
  return `Run \`aws sso login${profile === undefined ? '' : ` --profile ${profile}`}\``;
}

function refresh(profile: string | undefined): string {
  return profile === undefined
    ? 'aws sso login, or new temporary credentials in the environment'
    : `aws sso login --profile ${profile}, or new temporary credentials for it`;
}

/** The SDK's words as a sentence: on one line, ending with a full stop. */
function sentence(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return '(no reason given).';
  return /[.!?]$/.test(line) ? line : `${line}.`;
}
