import { readFile } from 'node:fs/promises';
import { defineConfig, type Plugin } from 'vitest/config';

/** Imports .yml files as their text, as esbuild's "text" loader does in the Lambda bundle. */
const yamlAsText: Plugin = {
  name: 'yaml-as-text',
  async load(id) {
    if (!id.endsWith('.yml')) return null;
    return `export default ${JSON.stringify(await readFile(id, 'utf8'))};`;
  },
};

export default defineConfig({
  plugins: [yamlAsText],
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', './test/support/closing-line-reporter.ts'],
  },
});
