/**
 * zod/mini for every schema the Lambda can load (stored items, Bedrock answers, and the
 * watched-models config, whose validator a function loads only when WATCHED_MODELS_FILE is
 * set): the same checks and issues as full zod in a fraction of its bundle, which the cold
 * start pays for. Were any of them full zod, even in a lazily loaded chunk, esbuild would put
 * the zod core that both share (about 80 kB) in a chunk the handler loads at cold start.
 *
 * Import zod/mini through this module. zod/mini loads no locale by default, so every
 * message would be a bare "Invalid input"; configuring the English locale here keeps them word
 * for word as full zod writes them. The setting is global; full zod (the CLI-only simulator
 * scenarios) sets the same locale only when none is set, so both write the same.
 *
 * Import it as a namespace: `import * as z from '../validation/zod-mini.ts'`. That is what
 * lets esbuild keep only the functions used. The named `z` (re-exported from zod/mini) is an
 * object holding all of zod/mini, its locales included: `import { z }` bundles every one of
 * them (about 430 kB instead of about 20 kB). Biome refuses it (noRestrictedImports).
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
