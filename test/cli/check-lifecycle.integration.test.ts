/**
 * The lifecycle column: `check --json` carries each pair's lifecycle and the unknown ids,
 * `check` and `status` print it. The CLI as a user runs it, against the simulator.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type SimulatedAccount, simulatedAccount } from '../support/cli-harness.ts';

const MISTRAL = 'mistral.mistral-large-2402-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const TYPO = 'amazon.titan-text-expres-v1';

describe('check and status show the lifecycle', () => {
  let account: SimulatedAccount | undefined;
  afterEach(async () => {
    await account?.close();
    account = undefined;
  });

  it('carries it in check --json, and prints it in the check and status tables', async () => {
    account = await simulatedAccount(
      `account: "210987654321"
catalog:
  - id: ${TITAN}
  - id: ${MISTRAL}
    lifecycle: { status: LEGACY, publicExtendedAccessTime: "2099-01-10T00:00:00Z", endOfLifeTime: "2099-04-10T00:00:00Z" }
`,
      `regions: [us-east-1]\nmodels:\n  - id: ${TITAN}\n  - id: ${MISTRAL}\n  - id: ${TYPO}\n`,
    );

    const checked = await account.check();
    const table = await runCli([
      'check',
      '--config',
      account.configPath,
      '--state',
      account.statePath,
    ]);
    const status = await runCli(['status', '--state', account.statePath]);

    expect(checked.json.pairs.map((p) => [p.modelId, p.lifecycle?.status ?? null])).toEqual([
      [TITAN, 'ACTIVE'],
      [MISTRAL, 'LEGACY'],
      [TYPO, null],
    ]);
    expect(checked.json.pairs[1]?.lifecycle?.endOfLifeTime).toBe('2099-04-10T00:00:00.000Z');
    expect(checked.json.unknownModels).toEqual([{ modelId: TYPO, suggestions: [TITAN] }]);
    expect(table.stdout).toMatch(/REGION\s+MODEL\s+STATE\s+SINCE\s+LIFECYCLE/);
    expect(table.stdout).toContain('LEGACY, higher prices 2099-01-10, end of life 2099-04-10');
    expect(table.stdout).toContain(
      `${TYPO} is listed by Bedrock in no watched region: check the id in the config (did you mean ${TITAN}?)`,
    );
    expect(status.stdout).toMatch(/STATE\s+SINCE\s+LIFECYCLE\s+NOTE/);
    expect(status.stdout).toMatch(
      new RegExp(
        `${MISTRAL.replaceAll('.', '\\.')}\\s+ENABLED\\s+.* UTC\\s+LEGACY, higher prices 2099-01-10, end of life 2099-04-10`,
      ),
    );
  });
});
