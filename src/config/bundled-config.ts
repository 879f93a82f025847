import bundledText from '../../config/watched-models.yml';
import { ConfigError } from '../errors.ts';
import { loadWatchedModels, parseWatchedModels } from './load-config.ts';
import type { WatchedConfig } from './schema.ts';

/**
 * The watched models of the Lambda: the file named by WATCHED_MODELS_FILE, or else the
 * config/watched-models.yml that was bundled into the function at package time.
 */
export async function loadLambdaConfig(
  watchedModelsFile: string | undefined,
): Promise<WatchedConfig> {
  if (watchedModelsFile !== undefined) return loadWatchedModels(watchedModelsFile);
  const parsed = parseWatchedModels(bundledText, 'config/watched-models.yml (bundled)');
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  return parsed.config;
}
