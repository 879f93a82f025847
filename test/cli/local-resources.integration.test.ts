import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isolatedAwsEnvironment, runBin } from '../support/cli-harness.ts';
import { temporaryDirectory } from '../support/fixtures.ts';

/** Stands for the test's own directory, known only once the test runs. */
const DIR = '<dir>';

describe('a file or port given on the command line that cannot be used', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let server: Server | undefined;
  beforeEach(async () => {
    dir = await temporaryDirectory();
  });
  afterEach(async () => {
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    await dir.remove();
  });

  function run(args: string[]) {
    const env = isolatedAwsEnvironment(dir.path, {
      AWS_ACCESS_KEY_ID: 'AKIATESTTESTTEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      AWS_REGION: 'us-east-1',
    });
    return runBin(
      args.map((arg) => arg.replace(DIR, dir.path)),
      env,
    );
  }

  function expectOneLine(result: { code: number; stdout: string; stderr: string }, line: string) {
    expect(result).toEqual({ code: 1, stdout: '', stderr: `${line}\n` });
  }

  it('simulate on a port already in use says so and how to pick another', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };

    const result = await run(['simulate', '--port', String(port)]);

    expectOneLine(
      result,
      `Port ${port} on 127.0.0.1 is already in use: stop what listens there, or give another port with --port (0 picks a free one).`,
    );
  });

  it.each([
    ['simulate', 'missing.yml', 'does not exist'],
    ['simulate', '.', 'is a directory, not a file'],
    ['demo', 'missing.yml', 'does not exist'],
  ])('%s --scenario %s: one line saying the file %s', async (command, name, problem) => {
    const path = join(DIR, name);

    const result = await run([command, '--scenario', path]);

    const instead =
      command === 'demo'
        ? "leave out --scenario for the demo's own"
        : 'leave out --scenario for the bundled example';
    expectOneLine(
      result,
      `The scenario file ${path.replace(DIR, dir.path)} ${problem}: give the path of a scenario file, or ${instead}.`,
    );
  });

  it.each([['check'], ['status'], ['history']])(
    '%s --state with a directory says it is one, and what to give',
    async (command) => {
      const result = await run([command, '--state', DIR]);

      expectOneLine(
        result,
        `The state file ${dir.path} is a directory, not a file: give a file path with --state, like ${dir.path}/state.json.`,
      );
    },
  );
});
