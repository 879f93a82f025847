/**
 * Credentials for each member account: sts:AssumeRole into its read role, with a fixed session
 * name and the shortest duration STS allows (a worker run lasts seconds), the config's external
 * id, and the credentials kept per account until shortly before they expire, so that each
 * period costs one AssumeRole per account at most. The hub's own account needs none: its
 * checks use the function's own credentials.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { describeError, MemberAccessError } from '../errors.ts';

export const SESSION_NAME = 'bedrock-access-monitor';
/** STS's minimum; a worker run takes seconds, and the cache serves the next periods. */
export const SESSION_DURATION_SECONDS = 900;
// Past the SDK's own refresh margin (5 minutes), so the SDK never holds credentials this
// cache would still hand out.
const REFRESH_BEFORE_MS = 360_000;

export interface MemberCredentialOptions {
  sts: STSClient;
  /** `aws`, `aws-us-gov`, ...: the partition of the role ARNs. */
  partition: string;
  roleName: string;
  externalId: string | undefined;
  /** The function's own account, checked with its own credentials. */
  hubAccount: string;
  now?: () => number;
}

export interface MemberCredentials {
  /** The account's credentials; undefined for the hub. Rejects with MemberAccessError. */
  credentialsFor(account: string): Promise<AwsCredentialIdentity | undefined>;
}

export function createMemberCredentials(options: MemberCredentialOptions): MemberCredentials {
  const now = options.now ?? Date.now;
  const cache = new Map<string, Promise<AwsCredentialIdentity>>();
  const expiresAt = new Map<string, number>();

  const assume = async (account: string): Promise<AwsCredentialIdentity> => {
    const roleArn = `arn:${options.partition}:iam::${account}:role/${options.roleName}`;
    try {
      const answer = await options.sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: SESSION_NAME,
          DurationSeconds: SESSION_DURATION_SECONDS,
          ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
        }),
      );
      const credentials = answer.Credentials;
      if (
        credentials?.AccessKeyId === undefined ||
        credentials.SecretAccessKey === undefined ||
        credentials.Expiration === undefined
      ) {
        throw new MemberAccessError(
          `STS answered AssumeRole of ${roleArn} without credentials.`,
          account,
          false,
        );
      }
      expiresAt.set(account, credentials.Expiration.getTime());
      return {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        ...(credentials.SessionToken === undefined
          ? {}
          : { sessionToken: credentials.SessionToken }),
        expiration: credentials.Expiration,
      };
    } catch (error) {
      if (error instanceof MemberAccessError) throw error;
      if (error instanceof TypeError || error instanceof RangeError) throw error;
      const denied = (error as { name?: unknown }).name === 'AccessDenied';
      throw new MemberAccessError(
        denied
          ? `The role ${roleArn} cannot be assumed (${describeError(error)}): deploy the member-role template to the account, or check its trust policy and external id.`
          : `AssumeRole of ${roleArn} failed: ${describeError(error)}.`,
        account,
        denied,
        { cause: error },
      );
    }
  };

  return {
    async credentialsFor(account) {
      if (account === options.hubAccount) return undefined;
      const cached = cache.get(account);
      const expiry = expiresAt.get(account);
      if (cached !== undefined && (expiry === undefined || expiry - now() > REFRESH_BEFORE_MS)) {
        return cached;
      }
      const pending = assume(account);
      cache.set(account, pending);
      expiresAt.delete(account);
      pending.catch(() => {
        if (cache.get(account) === pending) cache.delete(account);
      });
      return pending;
    },
  };
}
