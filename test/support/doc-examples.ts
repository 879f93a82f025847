import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';

/** A documentation file of the repository, by its path from the root (`docs/cli.md`). */
export function readDoc(doc: string): Promise<string> {
  return readFile(new URL(`../../${doc}`, import.meta.url), 'utf8');
}

/** The text of the fenced block (```fence) of `doc` whose first line is `firstLine`. */
export async function docBlock(doc: string, fence: string, firstLine: string): Promise<string> {
  const text = await readDoc(doc);
  const opening = `\`\`\`${fence}\n${firstLine}\n`;
  const start = text.indexOf(opening);
  expect(start, `${doc}: a \`\`\`${fence} block starting with "${firstLine}"`).toBeGreaterThan(-1);
  const body = text.slice(start + opening.length - firstLine.length - 1);
  return body.slice(0, body.indexOf('```')).trimEnd();
}

/** The output a doc shows for `$ <command>`, without the command line. */
export async function docCommandOutput(doc: string, command: string): Promise<string> {
  const block = await docBlock(doc, 'text', `$ ${command}`);
  return block.slice(block.indexOf('\n') + 1);
}
