import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { type CliResult, isolatedAwsEnvironment, runBin } from '../support/cli-harness.ts';
import { closedPort } from '../support/closed-port.ts';
import { temporaryDirectory } from '../support/fixtures.ts';

const TITAN = 'amazon.titan-text-express-v1';
/** Stands for a state file in the test's own directory, known only once the test runs. */
const STATE_FILE = '<state file>';

// A person's ~/.aws: a profile with keys, and an SSO profile signed in to nothing.
const AWS_CONFIG = `[default]
region = us-east-1

[profile ci]
region = us-east-1

[profile corp-admin]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = AdministratorAccess
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
`;
const AWS_CREDENTIALS = `[ci]
aws_access_key_id = AKIACITESTTESTTEST
aws_secret_access_key = ci-test-secret
`;

/** What a user must see: one line on stderr, no stack, exit 1, nothing on stdout. */
function expectOneLineError(result: CliResult) {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('AWS cannot be asked: one line naming the credentials and the real reason', () => {
  let home: Awaited<ReturnType<typeof temporaryDirectory>>;
  let simulator: RunningSimulator | undefined;
  beforeEach(async () => {
    home = await temporaryDirectory();
    await mkdir(join(home.path, '.aws'));
    await writeFile(join(home.path, '.aws', 'config'), AWS_CONFIG);
    await writeFile(join(home.path, '.aws', 'credentials'), AWS_CREDENTIALS);
  });
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
    await home.remove();
  });

  async function simulatorRefusing(credentials: 'expired' | 'invalid') {
    simulator = await startSimulator({
      scenario: parseScenario(
        `account: "123456789012"\ncatalog: [{ id: ${TITAN} }]\ncallerCredentials: ${credentials}`,
        'scenario.yml',
      ),
    });
    return simulator;
  }

  function run(args: string[], variables: Record<string, string>) {
    return runBin(args, isolatedAwsEnvironment(home.path, variables));
  }

  it.each([
    ['check', '--state', STATE_FILE],
    ['status', '--table', 'bedrock-access-monitor-dev-state'],
    ['history', '--table', 'bedrock-access-monitor-dev-state'],
  ])('%s names the profile whose token expired', async (command, ...options) => {
    const sim = await simulatorRefusing('expired');

    const args = [command, ...options].map((arg) =>
      arg.replace(STATE_FILE, join(home.path, 'state.json')),
    );

    const result = await run(args, { AWS_PROFILE: 'ci', ...sim.endpointEnv });

    expectOneLineError(result);
    expect(result.stderr).toBe(
      `The credentials of AWS profile "ci" (AWS_PROFILE) have expired: AWS answered ExpiredToken: The security token included in the request is expired. Get fresh ones (aws sso login --profile ci, or new temporary credentials for it), then run ${command} again.\n`,
    );
  });

  it('says AWS does not accept invalid keys, and which keys', async () => {
    const sim = await simulatorRefusing('invalid');

    const result = await run(['check', '--state', join(home.path, 'state.json')], {
      AWS_ACCESS_KEY_ID: 'AKIAWRONGWRONGWRONG',
      AWS_SECRET_ACCESS_KEY: 'wrong',
      AWS_REGION: 'us-east-1',
      ...sim.endpointEnv,
    });

    expectOneLineError(result);
    expect(result.stderr).toContain(
      'AWS does not accept the credentials of the access key in AWS_ACCESS_KEY_ID: InvalidClientTokenId: The security token included in the request is invalid.',
    );
  });

  it('names a profile that does not exist, the files it looked in, and the closest one', async () => {
    const result = await run(['check', '--state', join(home.path, 'state.json')], {
      AWS_PROFILE: 'cj',
    });

    expectOneLineError(result);
    expect(result.stderr).toBe(
      `AWS profile "cj" (AWS_PROFILE) is not in ${join(home.path, '.aws', 'config')} or ${join(home.path, '.aws', 'credentials')} (did you mean "ci"?): set AWS_PROFILE to a profile that exists (aws configure list-profiles), then run check again.\n`,
    );
  });

  it("keeps the SDK's own reason for an SSO profile without a session, and names the login", async () => {
    const result = await run(['status', '--table', 'bedrock-access-monitor-dev-state'], {
      AWS_PROFILE: 'corp-admin',
    });

    expectOneLineError(result);
    expect(result.stderr).toMatch(
      /^The credentials of AWS profile "corp-admin" \(AWS_PROFILE\) cannot be used: The SSO session token associated with profile=corp-admin was not found or is invalid\. To refresh this SSO session run 'aws sso login' with the corresponding profile\. Run `aws sso login --profile corp-admin`, then run status again\.\n$/,
    );
  });

  it('calls a closed STS endpoint a network problem and names the endpoint setting', async () => {
    const port = await closedPort();

    const result = await run(['history', '--table', 'bedrock-access-monitor-dev-state'], {
      AWS_PROFILE: 'ci',
      AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}`,
    });

    expectOneLineError(result);
    expect(result.stderr).toBe(
      `Could not reach AWS (AWS_ENDPOINT_URL_STS=http://127.0.0.1:${port}): connect ECONNREFUSED 127.0.0.1:${port}. This is a network problem, not an answer from AWS: check the connection, DNS, any proxy and the AWS_ENDPOINT_URL_* settings, then run history again.\n`,
    );
  });

  it('diagnose stops at expired credentials before any billed call', async () => {
    const sim = await simulatorRefusing('expired');

    const result = await run(['diagnose', TITAN, '--region', 'us-east-1'], {
      AWS_PROFILE: 'ci',
      ...sim.endpointEnv,
    });

    expectOneLineError(result);
    expect(result.stderr).toContain(
      'The credentials of AWS profile "ci" (AWS_PROFILE) have expired: AWS answered ExpiredTokenException: The security token included in the request is expired.',
    );
    expect(sim.stats().regions['us-east-1']?.Converse).toBeUndefined();
  });
});
