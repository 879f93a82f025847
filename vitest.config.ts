import { readFile } from 'node:fs/promises';
import { configDefaults, defineConfig, type Plugin } from 'vitest/config';

/**
 * Imports config/watched-models.yml as its text, as esbuild's text loader does in the Lambda
 * bundle (custom.esbuild.loader in serverless.yml), so the handler under test runs what would
 * be deployed.
 */
const watchedModelsAsText: Plugin = {
  name: 'watched-models-as-text',
  async load(id) {
    if (!id.endsWith('/watched-models.yml')) return null;
    return `export default ${JSON.stringify(await readFile(id, 'utf8'))};\n`;
  },
};

// The projects, by file name (docs/development.md, "Tests"): `npm test` runs all three,
// `npm run test:unit` the first.
const INTEGRATION = 'test/**/*.integration.test.ts';
const INFRA = 'test/infra/**/*.test.ts';

export default defineConfig({
  plugins: [watchedModelsAsText],
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
