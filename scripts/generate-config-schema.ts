/** Writes config/watched-models.schema.json from the zod schema: `npm run schema`. */
import { writeFile } from 'node:fs/promises';
import { renderConfigJsonSchema } from '../src/config/json-schema.ts';

const target = new URL('../config/watched-models.schema.json', import.meta.url);
await writeFile(target, renderConfigJsonSchema());
console.log(`wrote ${target.pathname}`);
