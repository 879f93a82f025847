import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NoCredentialsError } from '../errors.ts';

const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'ProviderError']);

/**
 * The 12-digit account the default credential chain signs for (STS GetCallerIdentity; the
 * endpoint comes from the SDK, AWS_ENDPOINT_URL_STS included). The Lambda does not need this:
 * it reads the account from its own ARN.
 */
export async function resolveCallerAccount(region: string): Promise<string> {
  const sts = new STSClient({ region, maxAttempts: 2 });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account === undefined || !/^\d{12}$/.test(identity.Account)) {
      throw new Error(
        `STS GetCallerIdentity returned no 12-digit account (got ${JSON.stringify(identity.Account)})`,
      );
    }
    return identity.Account;
  } catch (error) {
    if (NO_CREDENTIALS.has((error as Error).name)) {
      throw new NoCredentialsError(
        'No AWS credentials found. Set AWS_PROFILE (after `aws configure` or `aws sso login`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run check again. To try the monitor without an AWS account: npm run demo',
        { cause: error },
      );
    }
    throw error;
  } finally {
    sts.destroy();
  }
}
