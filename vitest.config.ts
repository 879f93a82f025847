import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { configDefaults, defineConfig, type Plugin } from 'vitest/config';
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

// The projects, by file name (docs/development.md, "Tests"): `npm test` runs all three,
// `npm run test:unit` the first.
const INTEGRATION = 'test/**/*.integration.test.ts';
const INFRA = 'test/infra/**/*.test.ts';

export default defineConfig({
  plugins: [watchedModelsAsData],
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', './test/support/closing-line-reporter.ts'],
    projects: [
      {
        // No sockets, no processes: the fast development loop. Its files share one process
        // (most of a unit file's time is importing), so none may leave global state behind.
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, INTEGRATION, INFRA],
          setupFiles: ['./test/support/unit-test-guard.ts'],
          isolate: false,
          unstubEnvs: true,
          unstubGlobals: true,
        },
      },
      {
        // Real sockets and processes on 127.0.0.1: simulator, dynalite, SNS endpoint, the CLI.
        extends: true,
        test: {
          name: 'integration',
          include: [INTEGRATION],
          exclude: [...configDefaults.exclude, INFRA],
        },
      },
      {
        // The packaged stack: `serverless package`, once per parameter set and test run.
        extends: true,
        test: {
          name: 'infra',
          include: [INFRA],
          globalSetup: ['./test/infra/support/package-cache-setup.ts'],
        },
      },
    ],
  },
});
