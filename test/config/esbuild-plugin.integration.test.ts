import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The plugin serverless-esbuild loads (custom.esbuild.plugins in serverless.yml).
const plugins = createRequire(import.meta.url)('../../serverless/esbuild-plugins.cjs') as Plugin[];

describe('serverless/esbuild-plugins.cjs: config/watched-models.yml as data', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bam-plugin-'));
    mkdirSync(join(dir, 'config'));
    writeFileSync(
      join(dir, 'entry.ts'),
      "import config from './config/watched-models.yml';\nexport default config;\n",
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const bundle = (yaml: string) => {
    writeFileSync(join(dir, 'config', 'watched-models.yml'), yaml);
    return build({
      entryPoints: [join(dir, 'entry.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      plugins,
      logLevel: 'silent',
    });
  };

  it('bundles the validated config with its defaults, and no YAML text', async () => {
    const result = await bundle(
      'regions: [us-east-1]\nmodels:\n  - id: amazon.nova-pro-v1:0 # a comment\n',
    );
    const code = result.outputFiles[0]?.text ?? '';
    const config = await import(`data:text/javascript,${encodeURIComponent(code)}`);
    expect(config.default).toEqual({
      regions: ['us-east-1'],
      models: [{ id: 'amazon.nova-pro-v1:0' }],
      notify: [
        'ready',
        'revoked',
        'failed',
        'blocked',
        'lifecycle',
        'stuck',
        'config',
        'account-unreachable',
        'account-reachable',
      ],
      confirmRevocation: 2,
      lifecycleWarnings: [30, 7, 1],
      stuckAfter: '30m',
    });
    expect(code).not.toContain('a comment');
  });

  it('fails the build at the line and column of each problem', async () => {
    const failure = await bundle('regions: [us-east1]\nmodels:\n  - id: Amazon.Nova\n').catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    const errors = (failure as { errors: { text: string; location: unknown }[] }).errors;
    expect(errors).toEqual([
      {
        ...errors[0],
        text: '"us-east1" is not an AWS region with a Bedrock endpoint; did you mean "us-east-1"?',
        location: expect.objectContaining({ line: 1, column: 10 }),
      },
      {
        ...errors[1],
        text: expect.stringContaining('"Amazon.Nova" is not a Bedrock model id'),
        location: expect.objectContaining({ line: 3, column: 8 }),
      },
    ]);
  });
});
