/**
 * Where the AWS SDK takes the caller's credentials from, read the way the SDK reads it (the
 * AWS_PROFILE and AWS_ACCESS_KEY_ID variables, the shared config and credentials files), so
 * that a credential problem can name the profile and the files instead of guessing.
 */
import { join } from 'node:path';
import { getHomeDir, loadSharedConfigFiles } from '@smithy/core/config';

export interface CredentialSource {
  /** AWS_PROFILE when set: the SDK then uses that profile, even beside AWS_ACCESS_KEY_ID. */
  profile: string | undefined;
  /** AWS_ACCESS_KEY_ID is set: the SDK's first choice when AWS_PROFILE is not. */
  accessKeyInEnvironment: boolean;
  /** The profiles the two files define (the config file's `[profile x]` read as `x`). */
  profiles: string[];
  configFile: string;
  credentialsFile: string;
  /** `NAME=value` of every AWS_ENDPOINT_URL variable that is set: where the calls went. */
  endpointOverrides: string[];
}

// The config file also holds [sso-session x] and [services x] sections, which are no profiles.
const NOT_PROFILES = /^(sso-session|services)\./;

/** Reads the credential settings of `env` and the shared files it points to. */
export async function readCredentialSource(
  env: NodeJS.ProcessEnv = process.env,
): Promise<CredentialSource> {
  const configFile = env.AWS_CONFIG_FILE || join(getHomeDir(), '.aws', 'config');
  const credentialsFile =
    env.AWS_SHARED_CREDENTIALS_FILE || join(getHomeDir(), '.aws', 'credentials');
  // The SDK's own reader: a file that is missing or unreadable reads as empty, as for the SDK.
  const files = await loadSharedConfigFiles({
    configFilepath: configFile,
    filepath: credentialsFile,
    ignoreCache: true,
  });
  const profiles = [
    ...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)]),
  ].filter((name) => !NOT_PROFILES.test(name));
  return {
    profile: env.AWS_PROFILE || undefined,
    accessKeyInEnvironment: Boolean(env.AWS_ACCESS_KEY_ID),
    profiles,
    configFile,
    credentialsFile,
    endpointOverrides: Object.entries(env)
      .filter(([name, value]) => name.startsWith('AWS_ENDPOINT_URL') && value)
      .map(([name, value]) => `${name}=${value}`)
      .sort(),
  };
}
