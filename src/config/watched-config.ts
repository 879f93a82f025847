/**
 * The watched-models config as the engine uses it, once validated. Kept apart from the zod
 * schema (schema.ts) so that the Lambda, whose config is validated at package time, does not
 * load the validator: only the type comes from the schema, and types leave no code behind.
 */

import type * as z from 'zod';
import type { CheckTarget } from '../grants/types.ts';
import { parseDurationMs } from './duration.ts';
import type { WatchedConfigSchema } from './schema.ts';

/**
 * The validated config, defaults filled in. Durations (`stuckAfter`, a model's `verify.every`)
 * stay as written (`30m`, `2h`, `1d`): read them with stuckAfterMs and verificationIntervalMs.
 */
export type WatchedConfig = z.output<typeof WatchedConfigSchema>;

/** What to invoke to verify a model (its id or a profile id), or undefined when verification is off. */
export function verificationTarget(config: WatchedConfig, modelId: string): string | undefined {
  const verify = config.models.find((model) => model.id === modelId)?.verify;
  if (verify === undefined || verify === false) return undefined;
  return verify === true ? modelId : (verify.inferenceProfile ?? modelId);
}

/**
 * How often to repeat the verification call of an ENABLED pair (`verify: { every }`), in whole
 * milliseconds; undefined when it is made only when the model becomes ENABLED, or never.
 */
export function verificationIntervalMs(config: WatchedConfig, modelId: string): number | undefined {
  const verify = config.models.find((model) => model.id === modelId)?.verify;
  const every = typeof verify === 'object' ? verify.every : undefined;
  return every === undefined ? undefined : durationMs(every, 'verify.every');
}

/** How long a pair may stay IN_PROGRESS before it is announced as stuck, in whole milliseconds. */
export function stuckAfterMs(config: WatchedConfig): number {
  return durationMs(config.stuckAfter, 'stuckAfter');
}

function durationMs(text: string, key: string): number {
  const ms = parseDurationMs(text);
  // The schema admits only durations: anything else is a config that was never validated.
  if (ms === undefined) throw new RangeError(`${key} is not a duration: ${JSON.stringify(text)}`);
  return ms;
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
