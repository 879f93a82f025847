import bundledConfig from '../../config/watched-models.yml';
import type { WatchedConfig } from './watched-config.ts';

/**
 * The watched models of the Lambda: the file named by WATCHED_MODELS_FILE, or else
 * config/watched-models.yml as validated at package time and bundled as data.
 */
export async function loadLambdaConfig(
  watchedModelsFile: string | undefined,
): Promise<WatchedConfig> {
  if (watchedModelsFile === undefined) return bundledConfig;
  // Only a function that replaces its config loads the YAML parser and the validator: a
  // separate chunk of the bundle, left out of the cold start of every other function.
  const { loadWatchedModels } = await import('./load-config.ts');
  return loadWatchedModels(watchedModelsFile);
}
