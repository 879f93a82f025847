/**
 * The watched-models config as the engine uses it, once validated. Kept apart from the zod
 * schema (schema.ts) so that the Lambda, whose config is validated at package time, does not
 * load the validator: only the type comes from the schema, and types leave no code behind.
 */

import type { CheckTarget } from '../grants/types.ts';
import type * as z from '../validation/zod-mini.ts';
import type { WatchedConfigSchema } from './schema.ts';

export type WatchedConfig = z.output<typeof WatchedConfigSchema>;

/** What to invoke to verify a model (its id or a profile id), or undefined when verification is off. */
export function verificationTarget(config: WatchedConfig, modelId: string): string | undefined {
  const verify = config.models.find((model) => model.id === modelId)?.verify;
  if (verify === undefined || verify === false) return undefined;
  return verify === true ? modelId : verify.inferenceProfile;
}

/** Every (region, model) pair to check: each model in its own regions or the defaults, in config order. */
export function resolveTargets(config: WatchedConfig): CheckTarget[] {
  return config.models.flatMap((model) =>
    (model.regions ?? config.regions).map((region) => ({ region, modelId: model.id })),
  );
}

/** How much one run checks: the models, the regions any of them is checked in, the pairs. */
export interface WatchedScope {
  models: number;
  regions: number;
  checks: number;
}

/** The scope of `config`, counted from its pairs, so that every command counts alike. */
export function watchedScope(config: WatchedConfig): WatchedScope {
  const targets = resolveTargets(config);
  return {
    models: config.models.length,
    regions: new Set(targets.map((target) => target.region)).size,
    checks: targets.length,
  };
}
