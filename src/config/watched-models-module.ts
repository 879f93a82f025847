/**
 * What a bundler puts in place of config/watched-models.yml: the config validated at build
 * time, as data. The Lambda then starts without a YAML parser or a validator in its bundle;
 * the esbuild plugin of `serverless package` (serverless/esbuild-plugins.cjs) and vitest
 * (vitest.config.ts) both call this, so the tests import exactly what the function runs.
 */
import type { ConfigProblem } from '../errors.ts';
import { parseWatchedModels } from './load-config.ts';

type WatchedModelsModule = { ok: true; code: string } | { ok: false; problems: ConfigProblem[] };

/** The module's source (`export default {...}`), or every problem found; `file` labels them. */
export function watchedModelsModule(text: string, file: string): WatchedModelsModule {
  const parsed = parseWatchedModels(text, file);
  if (!parsed.ok) return parsed;
  return { ok: true, code: `export default ${JSON.stringify(parsed.config)};\n` };
}
