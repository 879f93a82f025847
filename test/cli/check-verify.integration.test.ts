import { afterEach, describe, expect, it } from 'vitest';
import {
  isolatedAwsEnvironment,
  runBin,
  type SimulatedAccount,
  simulatedAccount,
} from '../support/cli-harness.ts';

const TITAN = 'amazon.titan-text-express-v1';
const SCENARIO = `account: "210987654321"
catalog: [{ id: ${TITAN} }]
grants:
  - region: us-east-1
    model: ${TITAN}
    timeline: [{ at: 0, state: NOT_ENABLED }, { at: 1, state: ENABLED }]
`;
const CONFIG = `regions: [us-east-1]\nmodels:\n  - id: ${TITAN}\n    verify: true\n`;

/** Converse calls the simulator answered, in every region. */
function converseCalls(account: SimulatedAccount): number {
  return Object.values(account.simulator.stats().regions).reduce(
    (sum, operations) => sum + (operations.Converse?.requests ?? 0),
    0,
  );
}

describe('a local check and the billed verification call', () => {
  let account: SimulatedAccount | undefined;
  afterEach(async () => {
    await account?.close();
    account = undefined;
  });

  /** The baseline run, then the run in which the model becomes ENABLED, as a user runs it. */
  async function checkWhenReady(extraArgs: string[]) {
    account = await simulatedAccount(SCENARIO, CONFIG);
    await account.check();
    account.simulator.setTick(1);
    const env = isolatedAwsEnvironment(account.dir, {
      AWS_ACCESS_KEY_ID: 'AKIATESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      AWS_REGION: 'us-east-1',
      ...account.simulator.endpointEnv,
    });
    const args = ['check', '--config', account.configPath, '--state', account.statePath];
    return runBin([...args, ...extraArgs], env);
  }

  it('makes no Converse call without --verify, and says why', async () => {
    const result = await checkWhenReady([]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Bedrock access ready: ${TITAN} in us-east-1`);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      'No verification call: 1 model in the config has `verify`, and a local check makes that billed call only with --verify.',
    );
    expect(converseCalls(account as SimulatedAccount)).toBe(0);
  });

  it('makes the one verification call with --verify', async () => {
    const result = await checkWhenReady(['--verify']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Bedrock access ready: ${TITAN} in us-east-1`);
    expect(result.stdout).not.toContain('No verification call');
    expect(converseCalls(account as SimulatedAccount)).toBe(1);
  });

  it('says so in check --help', async () => {
    const result = await runBin(['check', '--help'], isolatedAwsEnvironment('/nonexistent'));

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Makes no billed call');
    expect(result.stdout).toMatch(/--verify +make the verification call \(billed\)/);
  });
});
