import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NoCredentialsError } from '../errors.ts';

/**
 * The 12-digit account the default credential chain signs for (STS GetCallerIdentity; the
 * endpoint comes from the SDK, AWS_ENDPOINT_URL_STS included). The Lambda does not need this:
 * it reads the account from its own ARN. A credential or network failure is passed on as the
 * SDK raised it: the CLI explains it (src/aws/explain-access-problem.ts).
 */
export async function resolveCallerAccount(region?: string): Promise<string> {
  // Without a region the SDK takes it from AWS_REGION or the profile, like the AWS CLI.
  const sts = new STSClient({ maxAttempts: 2, ...(region === undefined ? {} : { region }) });
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    if (identity.Account === undefined || !/^\d{12}$/.test(identity.Account)) {
      throw new Error(
        `STS GetCallerIdentity returned no 12-digit account (got ${JSON.stringify(identity.Account)})`,
      );
    }
    return identity.Account;
  } catch (error) {
    if ((error as Error).message === 'Region is missing') {
      throw new NoCredentialsError(
        'No AWS region is set. Set AWS_REGION (or a region in your AWS profile) to the region of the table, then try again.',
        { cause: error },
      );
    }
    throw error;
  } finally {
    sts.destroy();
  }
}
