import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type SimulatedAccount, simulatedAccount } from '../support/cli-harness.ts';

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';

const CONFIG = `regions: [us-east-1, us-west-2, eu-central-1]
models:
  - id: ${CLAUDE}
  - id: ${TITAN}
  - id: ${LLAMA}
`;

const scenario = (extra: string) => `account: "210987654321"
catalog: [{ id: ${CLAUDE} }, { id: ${TITAN} }, { id: ${LLAMA} }]
default: ENABLED
${extra}`;

const byPair = (pairs: Array<{ region: string; modelId: string; state: string }>) =>
  Object.fromEntries(pairs.map((pair) => [`${pair.region} ${pair.modelId}`, pair.state]));

async function storedStates(statePath: string): Promise<Record<string, string>> {
  const file = JSON.parse(await readFile(statePath, 'utf8')) as {
    pairs: Array<{ region: string; modelId: string; state: string }>;
  };
  return byPair(file.pairs);
}

describe('check against the simulator, three regions', () => {
  let account: SimulatedAccount | undefined;
  afterEach(async () => {
    await account?.close();
    account = undefined;
  });

  it('follows a clean sequence NOT_ENABLED -> IN_PROGRESS -> ENABLED with one transition per change', async () => {
    account = await simulatedAccount(
      scenario(`grants:
  - region: us-west-2
    model: ${CLAUDE}
    timeline:
      - { at: 0, state: NOT_ENABLED }
      - { at: 1, state: IN_PROGRESS }
      - { at: 2, state: ENABLED }
`),
      CONFIG,
    );

    const baseline = await account.check();
    account.simulator.setTick(1);
    const requested = await account.check();
    account.simulator.setTick(2);
    const ready = await account.check();
    const quiet = await account.check();

    expect(baseline.code).toBe(0);
    expect(baseline.json).toMatchObject({ account: '210987654321', checks: 9, transitions: [] });
    expect(baseline.json.states).toMatchObject({ ENABLED: 8, NOT_ENABLED: 1, UNKNOWN: 0 });
    expect(requested.json.transitions).toEqual([
      expect.objectContaining({
        kind: 'requested',
        region: 'us-west-2',
        modelId: CLAUDE,
        from: 'NOT_ENABLED',
        to: 'IN_PROGRESS',
      }),
    ]);
    expect(ready.json.transitions).toEqual([
      expect.objectContaining({
        kind: 'ready',
        region: 'us-west-2',
        modelId: CLAUDE,
        from: 'IN_PROGRESS',
        to: 'ENABLED',
      }),
    ]);
    expect(quiet.json.transitions).toEqual([]);
    expect(Object.values(await storedStates(account.statePath))).toEqual(Array(9).fill('ENABLED'));
  });

  it('prints the region x model table and the transitions for people', async () => {
    account = await simulatedAccount(
      scenario(`grants:
  - region: eu-central-1
    model: ${TITAN}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]
`),
      CONFIG,
    );
    await account.check();
    account.simulator.setTick(1);

    const result = await runCli([
      'check',
      '--config',
      account.configPath,
      '--state',
      account.statePath,
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Account 210987654321: 9 checks (3 models x 3 regions)');
    expect(result.stdout).toMatch(/REGION\s+MODEL\s+STATE\s+SINCE/);
    expect(result.stdout).toMatch(
      new RegExp(`eu-central-1\\s+${TITAN}\\s+ENABLED\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`),
    );
    expect(result.stdout).toContain(
      `Bedrock access ready: ${TITAN} in eu-central-1  (IN_PROGRESS -> ENABLED)`,
    );
  });

  it('absorbs a throttling burst with retries: no UNKNOWN, no failure', async () => {
    account = await simulatedAccount(
      scenario(`faults:
  - region: us-west-2
    throttle: { ratePerSecond: 2, burst: 1 }
`),
      CONFIG,
    );

    const result = await account.check();

    const throttled =
      account.simulator.stats().regions['us-west-2']?.GetFoundationModelAvailability?.throttled ??
      0;
    expect(throttled).toBeGreaterThan(0);
    expect(result.code).toBe(0);
    expect(result.json.states.UNKNOWN).toBe(0);
    expect(result.json.failures).toEqual([]);
  });

  it('reports persistent 5xx as UNKNOWN, leaves the stored state alone, and exits 3', async () => {
    account = await simulatedAccount(
      scenario(`grants:
  - region: eu-central-1
    model: ${LLAMA}
    timeline: [{ at: 0, state: ENABLED }, { at: 1, state: NOT_ENABLED }]
faults:
  - region: eu-central-1
    from: 1
    serverError: { share: 1 }
`),
      CONFIG,
    );
    await account.check();
    const before = await readFile(account.statePath, 'utf8');
    account.simulator.setTick(1);

    const result = await account.check(['--max-attempts', '2']);

    expect(result.code).toBe(3);
    expect(result.json.states.UNKNOWN).toBe(3);
    expect(result.json.failures).toHaveLength(3);
    expect(
      result.json.failures.every((f) => f.region === 'eu-central-1' && f.kind === 'server'),
    ).toBe(true);
    expect(result.json.failures[0]?.errorName).toBe('InternalServerException');
    expect(result.json.transitions).toEqual([]);
    expect(await readFile(account.statePath, 'utf8')).toBe(before);
  });

  it('treats a malformed answer as a failed check that names the field', async () => {
    account = await simulatedAccount(
      scenario(`faults:
  - region: us-east-1
    models: [${TITAN}]
    malformed: { kind: missing-fields }
  - region: us-west-2
    models: [${TITAN}]
    malformed: { kind: not-json }
  - region: eu-central-1
    models: [${TITAN}]
    malformed: { kind: unknown-enum }
`),
      CONFIG,
    );

    const result = await account.check();

    expect(result.code).toBe(3);
    const failures = Object.fromEntries(result.json.failures.map((f) => [f.region, f]));
    expect(failures['us-east-1']).toMatchObject({ kind: 'malformed', modelId: TITAN });
    expect(failures['us-east-1']?.message).toContain('agreementAvailability is missing');
    expect(failures['us-west-2']).toMatchObject({ kind: 'malformed', errorName: 'SyntaxError' });
    expect(failures['eu-central-1']?.message).toMatch(/agreementAvailability\.status is "[A-Z_]+"/);
    expect(result.json.states.UNKNOWN).toBe(3);
    expect(Object.keys(await storedStates(account.statePath))).not.toContain(`us-east-1 ${TITAN}`);
  });

  it('reports AccessDenied for the monitor itself as a failure, never as a grant state', async () => {
    account = await simulatedAccount(
      scenario(`faults:
  - region: us-east-1
    accessDenied: {}
`),
      CONFIG,
    );

    const result = await account.check();

    expect(result.code).toBe(3);
    const denied = result.json.failures.filter((f) => f.region === 'us-east-1');
    expect(denied).toHaveLength(3);
    expect(denied[0]).toMatchObject({ kind: 'denied', errorName: 'AccessDeniedException' });
    expect(denied[0]?.message).toContain(
      'is not authorized to perform: bedrock:GetFoundationModelAvailability',
    );
    expect(result.json.states.ENABLED).toBe(6);
  });

  it('stores a 404 for a model in a region as NOT_OFFERED, not as a failure', async () => {
    account = await simulatedAccount(
      scenario(`grants:
  - region: eu-central-1
    model: ${CLAUDE}
    timeline: [{ at: 0, notFound: true }]
`),
      CONFIG,
    );

    const result = await account.check();

    expect(result.code).toBe(0);
    expect(result.json.failures).toEqual([]);
    expect(byPair(result.json.pairs)[`eu-central-1 ${CLAUDE}`]).toBe('NOT_OFFERED');
    expect((await storedStates(account.statePath))[`eu-central-1 ${CLAUDE}`]).toBe('NOT_OFFERED');
  });

  it('finishes the other regions when one is slower than the deadline', async () => {
    account = await simulatedAccount(
      scenario(`faults:
  - region: eu-central-1
    latencyMs: 8000
`),
      CONFIG,
    );
    const startedAt = Date.now();

    const result = await account.check(['--deadline', '1']);

    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(result.code).toBe(3);
    expect(result.json.failures.map((f) => [f.region, f.kind])).toEqual([
      ['eu-central-1', 'timeout'],
      ['eu-central-1', 'timeout'],
      ['eu-central-1', 'timeout'],
    ]);
    expect(result.json.states.ENABLED).toBe(6);
    expect(Object.keys(await storedStates(account.statePath))).toHaveLength(6);
  });
});
