import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { DEMO_MODEL, HUB_ACCOUNT } from '../../src/demo/organization-scenario.ts';
import { runOrganizationDemo } from '../../src/demo/run-organization-demo.ts';
import { isolatedAwsEnvironment, runBin, runCli } from '../support/cli-harness.ts';
import { temporaryDirectory } from '../support/fixtures.ts';

const SANDBOX = '299999999999';
const PROD_ML = '210000000001';

function capture(): { io: CliIo; lines: string[] } {
  const lines: string[] = [];
  return {
    io: { out: (t) => lines.push(t), err: (t) => lines.push(t), interactive: false },
    lines,
  };
}

describe('demo --accounts N: organization mode against the simulator', () => {
  it('gives ready for one account only and one account-unreachable after confirmRevocation runs, then the per-account view', async () => {
    const { io, lines } = capture();

    const { alerts, runs, view, organization } = await runOrganizationDemo({
      io,
      accounts: 5,
      runs: 4,
    });

    const output = lines.join('\n');
    expect(organization.accounts.map((a) => a.id)).toEqual([
      HUB_ACCOUNT,
      PROD_ML,
      '210000000002',
      '210000000003',
      SANDBOX,
    ]);
    // Every run lists the organization and checks every account but the one it cannot reach.
    expect(runs.map((run) => run.map(({ message }) => message.account).sort())).toEqual(
      Array(4).fill(organization.accounts.map((a) => a.id).sort()),
    );
    expect(
      runs.map((run) =>
        run
          .filter(({ result }) => result.outcome === 'unreachable')
          .map(({ message }) => message.account),
      ),
    ).toEqual(Array(4).fill([SANDBOX]));
    expect(alerts.map((a) => [a.kind, 'account' in a ? a.account : undefined])).toEqual([
      ['account-unreachable', SANDBOX],
      ['ready', PROD_ML],
    ]);
    expect(alerts[0]).toMatchObject({
      accountName: 'sandbox',
      since: '2026-11-24T12:00:00.000Z',
      observedAt: '2026-11-24T12:05:00.000Z',
      reason: expect.stringContaining('AccessDenied'),
    });
    expect(alerts[1]).toMatchObject({
      accountName: 'prod-ml',
      modelId: DEMO_MODEL,
      region: 'us-east-1',
      from: 'IN_PROGRESS',
      to: 'ENABLED',
    });
    // Printed the way they read, each naming its account.
    expect(output).toContain(
      'Subject: Bedrock access monitor: account sandbox (299999999999) unreachable',
    );
    expect(output).toContain(
      `Subject: Bedrock access ready: ${DEMO_MODEL} in us-east-1, account prod-ml`,
    );
    expect(output).toContain(`| Account:  prod-ml (${PROD_ML})`);
    expect(output).toContain(
      'sandbox (299999999999): unreachable (its member role cannot be assumed: AccessDenied), 1 of 2 periods in a row: not announced yet',
    );
    expect(output).toContain(
      `ready: prod-ml (${PROD_ML}): ${DEMO_MODEL} in us-east-1 (IN_PROGRESS -> ENABLED)`,
    );
    expect(output).toContain('no queue runs here');
    // The per-account view ends it: the analytics account has not enabled the model.
    expect(
      view.rows.map((row) => [
        row.account,
        row.accountName,
        row.state,
        row.reachability?.reachable,
      ]),
    ).toEqual([
      [HUB_ACCOUNT, 'management', 'ENABLED', true],
      [PROD_ML, 'prod-ml', 'ENABLED', true],
      ['210000000002', 'staging-ml', 'ENABLED', true],
      ['210000000003', 'analytics', 'NOT_ENABLED', true],
      [SANDBOX, 'sandbox', null, false],
    ]);
    expect(output).toContain(
      `3 of 5 accounts can use ${DEMO_MODEL} in us-east-1 (ENABLED): management (${HUB_ACCOUNT}), prod-ml (${PROD_ML}), staging-ml (210000000002).`,
    );
    expect(output).toMatch(
      /299999999999\s+sandbox\s+not checked \(no stored state\)\s+-\s+UNREACHABLE since 2026-11-24 12:00 UTC/,
    );
    expect(lines.at(-1)).toContain(
      // One AssumeRole per reachable member for all four runs; the denied one is asked every run.
      '4 runs over 5 accounts: 2 alerts sent (account-unreachable, ready). STS: 3 AssumeRoles granted, the credentials then kept per account; 4 denied',
    );
  });

  it('with two accounts the hub is the one whose grant becomes ready; one run announces nothing', async () => {
    const two = await runOrganizationDemo({ ...capture(), accounts: 2, runs: 3 });
    const one = await runOrganizationDemo({ ...capture(), accounts: 20, runs: 1 });

    expect(two.alerts.map((a) => [a.kind, 'account' in a ? a.account : undefined])).toEqual([
      ['account-unreachable', SANDBOX],
      ['ready', HUB_ACCOUNT],
    ]);
    expect(one.organization.accounts).toHaveLength(20);
    expect(one.runs[0]).toHaveLength(20);
    expect(one.alerts).toEqual([]);
    expect(
      one.view.rows
        .filter((row) => row.reachability?.reachable === false)
        .map((row) => row.account),
    ).toEqual([]);
    expect(
      one.view.rows.find((row) => row.account === SANDBOX)?.reachability?.periodsWithoutAccess,
    ).toBe(1);
  });

  it('refuses an organization size out of range, and --scenario or --config beside --accounts', async () => {
    const small = await runCli(['demo', '--accounts', '1']);
    const large = await runCli(['demo', '--accounts', '21']);
    const word = await runCli(['demo', '--accounts', 'many']);
    const mixed = await runCli(['demo', '--accounts', '3', '--config', 'x.yml']);
    const help = await runCli(['demo', '--help']);

    for (const result of [small, large, word, mixed]) expect(result.code).toBe(2);
    expect(small.stderr).toContain('--accounts must be a whole number from 2 to 20, not "1".');
    expect(large.stderr).toContain('--accounts must be a whole number from 2 to 20, not "21".');
    expect(word.stderr).toContain('not "many"');
    expect(mixed.stderr).toContain('demo --accounts builds its own organization and config');
    expect(help.stdout).toContain('--accounts N        organization mode over N accounts, 2 to 20');
  });

  it('runs from the real executable, with no AWS setup at all', async () => {
    const home = await temporaryDirectory();
    try {
      const result = await runBin(
        ['demo', '--accounts', '2', '--runs', '2'],
        isolatedAwsEnvironment(home.path),
      );

      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        'Subject: Bedrock access monitor: account sandbox (299999999999) unreachable',
      );
      expect(result.stdout).toContain(
        '2 runs over 2 accounts: 1 alert sent (account-unreachable).',
      );
    } finally {
      await home.remove();
    }
  });
});
