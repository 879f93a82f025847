/**
 * The JSON Schema of the watched-models file, for editors (yaml-language-server reads the
 * `$schema` comment on its first line). Generated from the zod schema so the two never disagree;
 * duplicate model ids and "did you mean" hints exist only in the zod schema.
 */
import * as z from 'zod';
import { WatchedConfigSchema } from './schema.ts';

/** The JSON Schema object; draft-07 because every YAML/JSON editor plugin supports it. */
export function buildConfigJsonSchema(): Record<string, unknown> {
  // `input`: what a person writes, so keys with defaults are optional.
  return z.toJSONSchema(WatchedConfigSchema, { target: 'draft-7', io: 'input' });
}

/** The exact text of config/watched-models.schema.json. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(buildConfigJsonSchema(), null, 2)}\n`;
}
