// Rewrites the example blocks of the docs from the code (npm run readme:examples).
import { readFile, writeFile } from 'node:fs/promises';
import { EXAMPLE_DOCS, fillReadmeExamples } from '../src/notify/readme-examples.ts';

for (const doc of EXAMPLE_DOCS) {
  const path = new URL(`../${doc}`, import.meta.url);
  await writeFile(path, fillReadmeExamples(await readFile(path, 'utf8')));
}
