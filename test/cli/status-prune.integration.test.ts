import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStateStore } from '../../src/state/file-state-store.ts';
import { isolatedAwsEnvironment, runBin } from '../support/cli-harness.ts';
import { ACCOUNT, record, temporaryDirectory } from '../support/fixtures.ts';

const TITAN = 'amazon.titan-text-express-v1';
const LLAMA = 'meta.llama3-8b-instruct-v1:0';

describe('status and the pairs no longer in the config', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let statePath: string;
  let configPath: string;
  beforeEach(async () => {
    dir = await temporaryDirectory();
    statePath = join(dir.path, 'state.json');
    configPath = join(dir.path, 'watched-models.yml');
    // Titan is still watched in us-east-1; Llama in us-west-2 was removed from the config.
    await writeFile(configPath, `regions: [us-east-1]\nmodels:\n  - id: ${TITAN}\n`);
    await new FileStateStore(statePath).write([
      { record: record({ region: 'us-east-1', modelId: TITAN }), expectedVersion: 0 },
      {
        record: record({ region: 'us-west-2', modelId: LLAMA, state: 'NOT_ENABLED' }),
        expectedVersion: 0,
      },
    ]);
  });
  afterEach(() => dir.remove());

  const status = (...args: string[]) =>
    runBin(['status', ...args], isolatedAwsEnvironment(dir.path));

  it('marks them, and says how to remove them', async () => {
    const result = await status('--state', statePath, '--config', configPath);

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ACCOUNT\s+REGION\s+MODEL\s+STATE\s+SINCE\s+LIFECYCLE\s+NOTE$/);
    expect(lines[1]).toMatch(
      new RegExp(`^${ACCOUNT}\\s+us-east-1\\s+${TITAN}\\s+ENABLED\\s+[\\d-]+ [\\d:]+ UTC\\s+-$`),
    );
    expect(lines[2]).toMatch(
      new RegExp(
        `^${ACCOUNT}\\s+us-west-2\\s+${LLAMA}\\s+NOT_ENABLED\\s+.* UTC\\s+-\\s+not in ${configPath}$`,
      ),
    );
    expect(lines.slice(3)).toEqual([
      '',
      `1 pair no longer in ${configPath}: \`bedrock-access-monitor status --prune\` removes it from ${statePath}.`,
    ]);
  });

  it('--prune removes them from the local state file and keeps the rest', async () => {
    const result = await status('--state', statePath, '--config', configPath, '--prune');

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe(
      `Removed 1 pair no longer in ${configPath} from ${statePath} (their history stays): ${LLAMA} in us-west-2.`,
    );
    // The table that follows holds the pair still watched, and only that one.
    expect(result.stdout.trimEnd().split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ACCOUNT\s+REGION\s+MODEL\s+STATE\s+SINCE\s+LIFECYCLE\s+NOTE$/),
      expect.stringMatching(
        new RegExp(`^${ACCOUNT}\\s+us-east-1\\s+${TITAN}\\s+ENABLED\\s+.* UTC\\s+-$`),
      ),
    ]);
    const file = JSON.parse(await readFile(statePath, 'utf8')) as {
      pairs: Array<{ region: string; modelId: string }>;
    };
    expect(file.pairs.map((p) => `${p.region} ${p.modelId}`)).toEqual([`us-east-1 ${TITAN}`]);
  });

  it('--prune refuses the deployed table, and changes nothing', async () => {
    const before = await readFile(statePath, 'utf8');

    const result = await status('--table', 'bedrock-access-monitor-dev-state', '--prune');

    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "status --prune edits a local state file only: the deployed table is the deployed monitor's, whose config may not be this one, and its pairs no longer watched are only listed. Leave out --table to prune the local state file.\n",
    });
    expect(await readFile(statePath, 'utf8')).toBe(before);
  });
});
