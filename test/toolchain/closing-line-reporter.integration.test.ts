import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, removeDirectory } from '../infra/support/serverless-package.ts';

const REPORTER = join(REPO_ROOT, 'test', 'support', 'closing-line-reporter.ts');
const VITEST = join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

// Written at run time: the linter rightly refuses a skipped test in the repository.
const SUITE = `import { expect, it } from 'vitest';
it('runs', () => expect(1).toBe(1));
it.${'skip'}('cannot run here', () => expect(1).toBe(2));
`;

let dir: string;

/** `vitest run` in a project of its own that uses the closing-line reporter. */
function runVitest(...args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VITEST, 'run', '--root', dir, ...args],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1', CI: 'true' } },
      (error, stdout) => resolve({ code: error ? (error.code as number) : 0, stdout }),
    );
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bam-reporter-'));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(
    join(dir, 'vitest.config.mjs'),
    `export default { test: { include: ['*.test.mjs'], reporters: [${JSON.stringify(REPORTER)}] } };\n`,
  );
  writeFileSync(join(dir, 'suite.test.mjs'), SUITE);
});

afterAll(() => removeDirectory(dir));

const FAILED_SETUP = `import { beforeAll, expect, it } from 'vitest';
beforeAll(() => { throw new Error('the stand-in did not start'); });
it('needs the stand-in', () => expect(1).toBe(1));
`;

describe('the closing-line reporter', () => {
  it('fails a run with a skipped test, names it, and still closes on the counts', async () => {
    const { code, stdout } = await runVitest();

    expect(code).toBe(1);
    expect(stdout).toContain('A test that cannot run must fail, not skip. Skipped:');
    expect(stdout).toContain('suite.test.mjs > cannot run here');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('Tests: 1 passed, 0 failed, 1 skipped');
  });

  it('counts a file whose beforeAll failed as a failure, not only as skipped tests', async () => {
    writeFileSync(join(dir, 'setup.test.mjs'), FAILED_SETUP);
    try {
      const { code, stdout } = await runVitest('setup.test.mjs');

      expect(code).toBe(1);
      expect(stdout.trimEnd().split('\n').at(-1)).toBe('Tests: 0 passed, 1 failed, 1 skipped');
    } finally {
      rmSync(join(dir, 'setup.test.mjs'));
    }
  });

  it('lets a run filtered by test name (-t) pass, where the others count as skipped', async () => {
    const { code, stdout } = await runVitest('-t', 'runs');

    expect(code).toBe(0);
    expect(stdout).not.toContain('must fail, not skip');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('Tests: 1 passed, 0 failed, 1 skipped');
  });
});
