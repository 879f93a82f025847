import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { scenario, TITAN } from '../diagnose/simulated-cli.ts';
import { isolatedAwsEnvironment, runBin } from '../support/cli-harness.ts';
import { temporaryDirectory } from '../support/fixtures.ts';

/** The real executable, in an environment with test keys and, when given, the simulator. */
function cli(args: string[], home: string, simulator?: RunningSimulator) {
  return runBin(
    args,
    isolatedAwsEnvironment(home, {
      AWS_ACCESS_KEY_ID: 'AKIATESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      AWS_REGION: 'us-east-1',
      ...simulator?.endpointEnv,
    }),
  );
}

describe('the command line as a user types it', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let simulator: RunningSimulator | undefined;
  beforeEach(async () => {
    dir = await temporaryDirectory();
  });
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
    await dir.remove();
  });

  async function start(scenarioYaml: string) {
    simulator = await startSimulator({ scenario: parseScenario(scenarioYaml, 'scenario.yml') });
    return simulator;
  }

  it.each([
    [['check', '--deadline', '-5'], '--deadline must be a whole number from 1 to 900, not "-5".'],
    [['check', '--deadline=-5'], '--deadline must be a whole number from 1 to 900, not "-5".'],
    [
      ['history', '--since', '2026-02-30'],
      '--since must be a date like 2026-11-01 or 2026-11-01T12:00:00Z, not "2026-02-30": February 2026 has 28 days.',
    ],
    [
      ['history', '--region', 'us-east1'],
      'history: --region "us-east1" is not an AWS region with a Bedrock endpoint; did you mean "us-east-1"?',
    ],
    [
      ['status', '--table', ''],
      '--table "" is not a DynamoDB table name (3 to 255 letters, digits, _ - or .): give the deployed state table, the stack output StateTableName, like bedrock-access-monitor-dev-state.',
    ],
    [
      ['chek'],
      'Unknown command "chek". Did you mean "check"? See `bedrock-access-monitor --help`.',
    ],
  ])('%j is refused with exit 2 and one line', async (args, line) => {
    const result = await cli(args, dir.path);

    expect(result).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };

    const result = await cli(['--version'], dir.path);

    expect(result).toEqual({ code: 0, stdout: `bedrock-access-monitor ${version}\n`, stderr: '' });
  });

  it('diagnose refuses a mixed-case model id without asking AWS', async () => {
    const sim = await start(scenario());

    const result = await cli(
      ['diagnose', 'Amazon.Titan-Text-Express-v1', '--region', 'us-east-1'],
      dir.path,
      sim,
    );

    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'diagnose: "Amazon.Titan-Text-Express-v1" is not a Bedrock model id: model ids are lower case, like "amazon.titan-text-express-v1". See `bedrock-access-monitor diagnose --help`.\n',
    });
    expect(sim.stats().regions).toEqual({});
  });

  it('diagnose calls an unknown host a network problem, by its name, not Bedrock being busy', async () => {
    const result = await runBin(
      ['diagnose', TITAN, '--region', 'us-east-1'],
      isolatedAwsEnvironment(dir.path, {
        AWS_ACCESS_KEY_ID: 'AKIATESTTESTTEST',
        AWS_SECRET_ACCESS_KEY: 'test-secret',
        AWS_ENDPOINT_URL_BEDROCK: 'http://bedrock.invalid',
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: 'http://bedrock-runtime.invalid',
      }),
    );

    expect(result.code).toBe(5);
    expect(result.stdout).not.toContain('Bedrock was busy');
    expect(result.stdout).toMatch(
      /^\? 1-token call via amazon\.titan-text-express-v1: never reached Bedrock Runtime \(network\): .*ENOTFOUND bedrock-runtime\.invalid/m,
    );
    expect(result.stdout).toMatch(
      /^Could not tell: The 1-token call never reached Bedrock Runtime in us-east-1 \(.*ENOTFOUND bedrock-runtime\.invalid.*\): this is a network problem, not Bedrock being busy, and says nothing about access\.$/m,
    );
    expect(result.stdout).toContain(
      'Next: Check the network connection, DNS and any proxy, and AWS_ENDPOINT_URL_BEDROCK and AWS_ENDPOINT_URL_BEDROCK_RUNTIME if you set them; then run diagnose again.',
    );
  });

  it('validate counts one of each in the singular', async () => {
    const file = join(dir.path, 'one.yml');
    await writeFile(
      file,
      `regions: [us-east-1]\nmodels:\n  - id: ${TITAN}\nconfirmRevocation: 1\n`,
    );

    const result = await cli(['validate', file], dir.path);

    expect(result).toEqual({
      code: 0,
      stdout: `${file}: valid. 1 model in 1 region, 1 check a run; notify on ready, revoked, failed, blocked, lifecycle, stuck, config, account-unreachable, account-reachable; revocation confirmed after 1 answer in a row; lifecycle warnings 30, 7, 1 days ahead; stuck after 30m.\n`,
      stderr: '',
    });
  });

  // Top-level regions and a model's own: 3 regions in all, where the banner used to say 2.
  const SCOPE_CONFIG = `regions: [us-east-1, us-west-2]
models:
  - id: ${TITAN}
  - id: mistral.mistral-large-2402-v1:0
    regions: [eu-central-1]
`;
  const SCOPE = '2 models in 3 regions, 3 checks a run';

  it.each([
    [['validate'], `valid. ${SCOPE};`],
    [['demo', '--runs', '1', '--config'], `No AWS account is used. Watched: ${SCOPE}; state file`],
  ])(
    '%j counts the regions as the other command does, per-model regions included',
    async (args, text) => {
      const file = join(dir.path, 'scope.yml');
      await writeFile(file, SCOPE_CONFIG);

      const result = await cli([...args, file], dir.path);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(text);
    },
  );

  it('request prints an offer price per unit, not "per Units"', async () => {
    const sim = await start(
      scenario(`agreementDelaySeconds: 1
grants:
  - region: us-east-1
    model: ${TITAN}
    timeline: [{ at: 0, state: NOT_ENABLED }]
`),
    );

    const result = await cli(
      ['request', TITAN, '--region', 'us-east-1', '--yes', '--interval', '1'],
      dir.path,
      sim,
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Prices: +input_tokens +0\.003 per unit +Titan/);
    expect(result.stdout).not.toContain('per Units');
  });
});
