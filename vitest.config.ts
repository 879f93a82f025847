import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';
import { watchedModelsModule } from './src/config/watched-models-module.ts';
import { formatProblems } from './src/errors.ts';

/**
 * Imports config/watched-models.yml as the validated config, as the Lambda bundle does
 * (serverless/esbuild-plugins.cjs), so the handler under test runs what would be deployed.
 */
const watchedModelsAsData: Plugin = {
  name: 'watched-models-as-data',
  async load(id) {
    if (!id.endsWith('/watched-models.yml')) return null;
    const result = watchedModelsModule(await readFile(id, 'utf8'), relative(process.cwd(), id));
    if (!result.ok) throw new Error(formatProblems(result.problems));
    return result.code;
  },
};

export default defineConfig({
  plugins: [watchedModelsAsData],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', './test/support/closing-line-reporter.ts'],
  },
});
