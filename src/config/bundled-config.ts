import bundledText from '../../config/watched-models.yml';
import { ConfigError } from '../errors.ts';
import { loadWatchedModels, parseWatchedModels } from './load-config.ts';
import type { WatchedConfig } from './watched-config.ts';

/** Where the bundled text came from, as its problems name it. */
const BUNDLED_FILE = 'config/watched-models.yml';

/**
 * The watched models of the Lambda: the file named by WATCHED_MODELS_FILE, or else
 * config/watched-models.yml, bundled as text (the `.yml` text loader in serverless.yml) and
 * validated here as the CLI validates it. `serverless package` refuses a file with problems
 * (serverless/validate-watched-models.cjs), so a deployed bundle holds a valid one.
 */
export async function loadLambdaConfig(
  watchedModelsFile: string | undefined,
): Promise<WatchedConfig> {
  if (watchedModelsFile !== undefined) return loadWatchedModels(watchedModelsFile);
  const parsed = parseWatchedModels(bundledText, BUNDLED_FILE);
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  return parsed.config;
}
