import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-harness.ts';
import { docBlock, docCommandOutput } from '../support/doc-examples.ts';
import { temporaryDirectory } from '../support/fixtures.ts';

const DOC = 'docs/config.md';

describe('the examples of the config page', () => {
  let cleanup: () => Promise<void> = async () => {};
  afterEach(() => cleanup());

  it('show what validate prints for the bad file shown', async () => {
    const dir = await temporaryDirectory();
    cleanup = dir.remove;
    const file = join(dir.path, 'bad.yml');
    await writeFile(file, `${await docBlock(DOC, 'yaml', 'regions: [us-east1]')}\n`);

    const result = await runCli(['validate', file]);

    expect(result.code).toBe(1);
    expect(result.stderr.replaceAll(`${dir.path}/`, '')).toBe(
      await docCommandOutput(DOC, 'npx bedrock-access-monitor validate bad.yml'),
    );
  });
});
