import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { packagedStack, variantKey } from './support/serverless-package.ts';

// A variant stack.test.ts packages too: whichever file comes first packages it, once.
const GARBAGE_KEY = { params: { alertTopicKmsKeyArn: 'my-key' } };

describe('packagedStack', () => {
  it('keeps one run per variant in the directory of this test run, for every file to share', async () => {
    const first = await packagedStack(GARBAGE_KEY);
    const again = await packagedStack({ params: { alertTopicKmsKeyArn: 'my-key' } });

    expect(again).toBe(first);
    const stored = join(inject('stackPackageCache'), variantKey(GARBAGE_KEY));
    expect(existsSync(join(stored, 'run.json'))).toBe(true);
    expect(first.outDir.startsWith(stored)).toBe(true);
    expect(first.code).not.toBe(0);
    expect(first.output).toContain('alertTopicKmsKeyArn must be empty');
  }, 180_000);

  it('fails at once when the file packaging a variant stopped before it stored its run', async () => {
    const variant = { params: { schedule: 'rate(7 minutes)' } };
    const claimed = join(inject('stackPackageCache'), variantKey(variant));
    mkdirSync(claimed);
    const finished = spawnSync(process.execPath, ['-e', '']);
    writeFileSync(join(claimed, 'owner.pid'), String(finished.pid));

    await expect(packagedStack(variant)).rejects.toThrow(
      'the test file packaging {"params":{"schedule":"rate(7 minutes)"}} stopped before it finished',
    );
  });

  it('tells variants apart by parameters and watched models, not by the order of parameters', () => {
    const params = { schedule: 'rate(10 minutes)', alertEmail: 'ops@example.com' };
    const reordered = { alertEmail: 'ops@example.com', schedule: 'rate(10 minutes)' };

    expect(variantKey({ params: reordered })).toBe(variantKey({ params }));
    expect(variantKey({})).toBe(variantKey({ params: {} }));
    expect(variantKey({ params: { schedule: 'rate(5 minutes)' } })).not.toBe(
      variantKey({ params: { schedule: 'rate(10 minutes)' } }),
    );
    expect(variantKey({ watchedModels: 'regions: [us-east-1]\n' })).not.toBe(variantKey({}));
  });
});
