// Rewrites the example blocks of README.md from the code (npm run readme:examples).
import { readFile, writeFile } from 'node:fs/promises';
import { fillReadmeExamples } from '../src/notify/readme-examples.ts';

const path = new URL('../README.md', import.meta.url);
await writeFile(path, fillReadmeExamples(await readFile(path, 'utf8')));
