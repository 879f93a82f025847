/**
 * `validate --online` against the simulator, reached the way a user reaches Bedrock
 * (AWS_ENDPOINT_URL_BEDROCK and ordinary credentials in the environment): once through the
 * real executable in a process of its own, the other cases through the same CLI in process.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { runBin, runCli } from '../support/cli-harness.ts';
import { temporaryDirectory } from '../support/fixtures.ts';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TYPO = 'anthropic.claude-sonet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';
const MISTRAL = 'mistral.mistral-large-2402-v1:0';

const CATALOG = `
account: "123456789012"
catalog:
  - id: ${SONNET}
  - id: ${TITAN}
  - id: ${LLAMA}
    lifecycle:
      status: LEGACY
      legacyTime: 2026-01-15T00:00:00Z
      publicExtendedAccessTime: 2026-07-15T00:00:00Z
      endOfLifeTime: 2027-01-15T00:00:00Z
  - id: ${MISTRAL}
    regions: [us-west-2]
`;

const CONFIG = `regions: [us-east-1, us-west-2]
models:
  - id: ${TYPO}
  - id: ${TITAN}
  - id: ${LLAMA}
  - id: ${MISTRAL}
    regions: [us-west-2, us-east-1]
`;

let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
let simulator: RunningSimulator | undefined;

beforeEach(async () => {
  dir = await temporaryDirectory();
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await simulator?.close();
  simulator = undefined;
  await dir.remove();
});

/** The environment of a user with credentials, pointed at the simulator. */
function userEnvironment(endpoint: string | undefined): Record<string, string | undefined> {
  return {
    HOME: dir.path,
    AWS_CONFIG_FILE: join(dir.path, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir.path, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: endpoint === undefined ? undefined : 'AKIATESTTESTTEST',
    AWS_SECRET_ACCESS_KEY: endpoint === undefined ? undefined : 'test-secret',
    AWS_SESSION_TOKEN: undefined,
    AWS_ENDPOINT_URL_BEDROCK: endpoint,
  };
}

async function prepare(scenario: string, config: string) {
  simulator = await startSimulator({ scenario: parseScenario(scenario, 'scenario.yml') });
  const file = join(dir.path, 'watched-models.yml');
  await writeFile(file, config);
  return { file, simulator };
}

/** `validate FILE --online` in this process, with the user's environment stubbed. */
async function validateOnline(scenario: string, config: string) {
  const { file, simulator } = await prepare(scenario, config);
  for (const [name, value] of Object.entries(userEnvironment(simulator.url))) {
    vi.stubEnv(name, value);
  }
  return { ...(await runCli(['validate', file, '--online'])), file, simulator };
}

describe('validate --online', () => {
  it('names unknown ids with the closest real one, ids not offered, and LEGACY models, each at its line and column', async () => {
    const { file, simulator } = await prepare(CATALOG, CONFIG);
    const env = Object.fromEntries(
      Object.entries({
        ...userEnvironment(simulator.url),
        PATH: process.env.PATH,
        NODE_NO_WARNINGS: '1',
      }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );

    const { code, stdout, stderr } = await runBin(['validate', file, '--online'], env);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      'The config has 2 problems against the live Bedrock catalog:',
      `${file}:3:9: "${TYPO}" is not listed by Bedrock in any watched region (us-east-1, us-west-2); it would read NOT_OFFERED forever. Did you mean "${SONNET}"?`,
      `${file}:7:26: ${MISTRAL} is not offered in us-east-1 (Bedrock lists it in us-west-2); it would read NOT_OFFERED there. Remove the region, or keep it to hear when the model arrives.`,
      'Warnings:',
      `${file}:5:9: ${LLAMA} is LEGACY in us-east-1, us-west-2 (legacy since 2026-01-15, higher prices from 2026-07-15, end of life 2027-01-15): Bedrock refuses accounts that have not used it recently, and it will be retired. Plan the move to its successor (see the Bedrock model lifecycle page).`,
    ]);
    const listings = (region: string) =>
      simulator.stats().regions[region]?.ListFoundationModels?.requests;
    expect([listings('us-east-1'), listings('us-west-2')]).toEqual([1, 1]);
  });

  it('says the file is valid against the catalog when it is', async () => {
    const { code, stdout, stderr, file } = await validateOnline(
      CATALOG,
      `regions: [us-east-1, us-west-2]\nmodels:\n  - id: ${SONNET}\n  - id: ${TITAN}\n`,
    );

    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.trim()).toBe(
      `${file}: valid. 2 models in 2 regions, 4 checks a run; notify on ready, revoked, failed, blocked, lifecycle, stuck, config, account-unreachable, account-reachable; revocation confirmed after 2 answers in a row; lifecycle warnings 30, 7, 1 days ahead; stuck after 30m. Checked against the live catalog of 2 of 2 regions.`,
    );
  });

  it('checks the regions it could list and says which it could not', async () => {
    const { code, stdout, stderr, file } = await validateOnline(
      `${CATALOG}
faults:
  - { region: us-west-2, operations: [ListFoundationModels], serverError: { status: 503 } }
`,
      `regions: [us-east-1, us-west-2]\nmodels:\n  - id: ${SONNET}\n`,
    );

    expect(code).toBe(3);
    expect(stderr.trim()).toMatch(
      new RegExp(
        `^${file}: us-west-2 could not be listed, so nothing was checked there \\(ServiceUnavailableException: `,
      ),
    );
    expect(stdout).toContain('Checked against the live catalog of 1 of 2 regions.');
  });

  it('needs credentials, and says so in one line', async () => {
    const file = join(dir.path, 'watched-models.yml');
    await writeFile(file, `regions: [us-east-1]\nmodels:\n  - id: ${SONNET}\n`);
    for (const [name, value] of Object.entries(userEnvironment(undefined))) {
      vi.stubEnv(name, value);
    }

    const result = await runCli(['validate', file, '--online']);

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('No AWS credentials found.');
    expect(result.stderr).toContain('No AWS credentials found.');
  });
});
