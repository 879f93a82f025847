import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runBin, runCli } from '../support/cli-harness.ts';
import { temporaryDirectory } from '../support/fixtures.ts';

describe('bedrock-access-monitor CLI', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  beforeEach(async () => {
    dir = await temporaryDirectory();
  });
  afterEach(() => dir.remove());

  it.each(['check', 'status', 'validate', 'demo', 'simulate'])(
    'prints help for %s and exits 0',
    async (command) => {
      const result = await runCli([command, '--help']);

      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: bedrock-access-monitor ${command}`);
    },
  );

  it('lists the commands with --help, and exits 2 with the list when given none', async () => {
    const help = await runCli(['--help']);
    const none = await runCli([]);

    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/check[\s\S]*status[\s\S]*validate[\s\S]*demo[\s\S]*simulate/);
    expect(none.code).toBe(2);
  });

  it('refuses an unknown command and an unknown flag with exit 2 and a pointer to help', async () => {
    const command = await runCli(['chek']);
    const flag = await runCli(['check', '--regoin', 'us-east-1']);
    const value = await runCli(['check', '--deadline', 'soon']);

    expect(command).toMatchObject({
      code: 2,
      stderr: 'Unknown command "chek". Did you mean "check"? See `bedrock-access-monitor --help`.',
    });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("check: Unknown option '--regoin'");
    expect(flag.stderr).toContain('bedrock-access-monitor check --help');
    expect(value).toMatchObject({
      code: 2,
      stderr: '--deadline must be a whole number from 1 to 900, not "soon".',
    });
  });

  it('validates the shipped config', async () => {
    const result = await runCli(['validate']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^config\/watched-models\.yml: valid\. 5 models in \d+ regions, \d+ checks a run/,
    );
  });

  it('reports every problem of a bad config with file, line and column, and exits 1', async () => {
    const file = join(dir.path, 'bad.yml');
    await writeFile(
      file,
      'regions: [us-east1]\nmodels:\n  - id: amazon.titan-text-express-v1\n    regoins: [us-east-1]\n',
    );

    const result = await runCli(['validate', file]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The config has 2 problems:');
    expect(result.stderr).toMatch(new RegExp(`${file}:1:11: .*us-east1.*did you mean "us-east-1"`));
    expect(result.stderr).toMatch(new RegExp(`${file}:4:5: .*regoins`));
  });

  it('says when the config file does not exist', async () => {
    const result = await runCli(['validate', join(dir.path, 'missing.yml')]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing.yml');
  });

  it('says there is nothing stored yet before the first check', async () => {
    const result = await runCli(['status', '--state', join(dir.path, 'state.json')]);

    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('No stored states') });
  });

  it('refuses a state file that is not its own, and leaves it untouched', async () => {
    const foreign = join(dir.path, 'notes.json');
    await writeFile(foreign, '["not", "ours"]');

    const result = await runCli(['status', '--state', foreign]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('is not a bedrock-access-monitor state file');
  });

  it('says in one line that there are no AWS credentials, and points at the demo', async () => {
    // The real executable, with an environment that holds no credentials of any kind.
    const env = {
      PATH: process.env.PATH,
      HOME: dir.path,
      AWS_CONFIG_FILE: join(dir.path, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir.path, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      NODE_NO_WARNINGS: '1',
    };

    const result = await runBin(['check', '--state', join(dir.path, 'state.json')], env);

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('No AWS credentials found.');
    expect(result.stderr).toContain('npm run demo');
  });
});
