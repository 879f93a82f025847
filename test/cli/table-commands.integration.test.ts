import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-harness.ts';
import { LambdaTestBed } from '../support/lambda-test-bed.ts';

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const SCENARIO = `account: "123456789012"
catalog: [{ id: ${CLAUDE} }, { id: ${TITAN} }]
grants:
  - region: us-west-2
    model: ${CLAUDE}
    timeline: [{ at: 0, state: NOT_ENABLED }, { at: 1, state: IN_PROGRESS }, { at: 2, state: ENABLED }]
  - region: us-east-1
    model: ${TITAN}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 2, state: ENABLED }]
`;
const CONFIG = `regions: [us-east-1, us-west-2]\nmodels:\n  - id: ${CLAUDE}\n  - id: ${TITAN}\n`;

describe('status and history on the deployed table', () => {
  let bed: LambdaTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  async function threeScheduledRuns(): Promise<LambdaTestBed> {
    const testBed = await LambdaTestBed.start(SCENARIO, CONFIG);
    const handler = testBed.newContainer();
    await testBed.invoke(handler);
    testBed.nextRun(1);
    await testBed.invoke(handler);
    testBed.nextRun(2);
    await testBed.invoke(handler);
    // The CLI learns the account from STS, which the simulator also answers.
    process.env.AWS_ENDPOINT_URL_STS = testBed.simulator.url;
    return testBed;
  }

  it('status --table prints the stored state of every pair of the caller account', async () => {
    bed = await threeScheduledRuns();

    const result = await runCli(['status', '--table', bed.dynamo.tableName]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`123456789012\\s+us-west-2\\s+${CLAUDE}\\s+ENABLED\\s+2026-11-24 12:10 UTC`),
    );
    expect(result.stdout.split('\n')).toHaveLength(5);
  });

  it('history --table lists the transitions oldest first, filtered by model, region and date', async () => {
    bed = await threeScheduledRuns();

    const all = await runCli([
      'history',
      '--table',
      bed.dynamo.tableName,
      '--account',
      '123456789012',
      '--json',
    ]);
    const claude = await runCli([
      'history',
      '--table',
      bed.dynamo.tableName,
      '--model',
      CLAUDE,
      '--region',
      'us-west-2',
    ]);
    const late = await runCli([
      'history',
      '--table',
      bed.dynamo.tableName,
      '--since',
      '2026-11-24T12:10:00Z',
      '--json',
    ]);
    const none = await runCli([
      'history',
      '--table',
      bed.dynamo.tableName,
      '--since',
      '2026-12-01',
    ]);

    const kinds = (r: { stdout: string }) =>
      (JSON.parse(r.stdout).transitions as Array<{ kind: string; modelId: string }>).map(
        (t) => `${t.kind} ${t.modelId}`,
      );
    // Oldest first; the two ready transitions of 12:10 come in either order.
    expect(kinds(all)[0]).toBe(`requested ${CLAUDE}`);
    expect(kinds(all).slice(1).sort()).toEqual([`ready ${CLAUDE}`, `ready ${TITAN}`].sort());
    expect(claude.stdout).toMatch(/OBSERVED\s+ACCOUNT\s+REGION\s+MODEL\s+KIND\s+CHANGE/);
    expect(claude.stdout).toMatch(/2026-11-24 12:05 UTC.*requested\s+NOT_ENABLED -> IN_PROGRESS/);
    expect(claude.stdout).toMatch(/2026-11-24 12:10 UTC.*ready\s+IN_PROGRESS -> ENABLED/);
    expect(claude.stdout).not.toContain(TITAN);
    expect(kinds(late)).toHaveLength(2);
    expect(none.stdout).toContain('No transitions recorded in table');
  });

  it('refuses a malformed --since and --table with --state together', async () => {
    const since = await runCli(['history', '--since', 'last week']);
    const both = await runCli(['status', '--table', 't', '--state', 'x.json']);

    expect(since).toMatchObject({
      code: 2,
      stderr: '--since must be a date like 2026-11-01 or 2026-11-01T12:00:00Z, not "last week".',
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
  });
});
