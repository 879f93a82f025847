/**
 * `npm run bench` runs the TypeScript sources under tsx; the worker's module imports
 * config/watched-models.yml as its text, as esbuild's text loader does in the Lambda bundle
 * (custom.esbuild.loader in serverless.yml) and vitest.config.ts does in the tests. This hook
 * does the same for the benchmark's process: node --import ./bench/text-loader.mjs.
 */
import { register } from 'node:module';

register('./text-loader-hooks.mjs', import.meta.url);
