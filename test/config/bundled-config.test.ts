import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadLambdaConfig } from '../../src/config/bundled-config.ts';
import { loadWatchedModels } from '../../src/config/load-config.ts';

describe('loadLambdaConfig', () => {
  it('gives the bundled config/watched-models.yml, validated as the CLI validates the file', async () => {
    expect(await readFile('config/watched-models.yml', 'utf8')).toContain('models:');
    expect(await loadLambdaConfig(undefined)).toEqual(
      await loadWatchedModels('config/watched-models.yml'),
    );
  });
});
