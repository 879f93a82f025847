import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderConfigJsonSchema } from '../../src/config/json-schema.ts';

const root = new URL('../../', import.meta.url);

type JsonSchema = Record<string, unknown>;

/**
 * Just enough of JSON Schema draft-07 for the keywords the generated schema uses. It fails on
 * any other keyword, so a schema change cannot slip past this check unexamined.
 */
function violations(schema: JsonSchema, value: unknown, at = '$'): string[] {
  const found: string[] = [];
  const sub = (key: string) => schema[key] as JsonSchema;
  for (const [keyword, expected] of Object.entries(schema)) {
    switch (keyword) {
      case 'type': {
        const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
        const ok = expected === 'integer' ? Number.isInteger(value) : actual === expected;
        if (!ok) return [`${at}: not ${expected}`];
        break;
      }
      case 'enum':
        if (!(expected as unknown[]).includes(value)) found.push(`${at}: not in enum`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(expected as string).test(value))
          found.push(`${at}: pattern`);
        break;
      case 'minimum':
        if (typeof value === 'number' && value < (expected as number)) found.push(`${at}: minimum`);
        break;
      case 'maximum':
        if (typeof value === 'number' && value > (expected as number)) found.push(`${at}: maximum`);
        break;
      case 'minItems':
        if (Array.isArray(value) && value.length < (expected as number))
          found.push(`${at}: minItems`);
        break;
      case 'uniqueItems':
        if (
          Array.isArray(value) &&
          new Set(value.map((v) => JSON.stringify(v))).size < value.length
        ) {
          found.push(`${at}: uniqueItems`);
        }
        break;
      case 'items':
        for (const [i, v] of (Array.isArray(value) ? value : []).entries()) {
          found.push(...violations(sub('items'), v, `${at}[${i}]`));
        }
        break;
      case 'required':
        for (const key of expected as string[])
          if (!(key in (value as object))) found.push(`${at}.${key}: required`);
        break;
      case 'properties':
        for (const [key, v] of Object.entries(value as object)) {
          const property = (expected as Record<string, JsonSchema>)[key];
          if (property) found.push(...violations(property, v, `${at}.${key}`));
          else if (schema.additionalProperties === false)
            found.push(`${at}.${key}: additional property`);
        }
        break;
      case 'additionalProperties':
      case '$schema':
      case 'title':
      case 'description':
      case 'examples':
      case 'default':
        break;
      default:
        throw new Error(`this test does not understand the JSON Schema keyword "${keyword}"`);
    }
  }
  return found;
}

const readText = (path: string) => readFile(new URL(path, root), 'utf8');
const checkedInSchema = async (): Promise<JsonSchema> =>
  JSON.parse(await readText('config/watched-models.schema.json'));

describe('config/watched-models.schema.json', () => {
  it('is exactly what the zod schema generates', async () => {
    const checkedIn = await readText('config/watched-models.schema.json');

    expect(
      checkedIn,
      'config/watched-models.schema.json is out of date: run `npm run schema`',
    ).toBe(renderConfigJsonSchema());
  });

  it('accepts the shipped config', async () => {
    const config = parse(await readText('config/watched-models.yml'));

    expect(violations(await checkedInSchema(), config)).toEqual([]);
  });

  it('accepts a minimal config, since notify and confirmRevocation have defaults', async () => {
    const config = { regions: ['eu-central-1'], models: [{ id: 'amazon.nova-pro-v1:0' }] };

    expect(violations(await checkedInSchema(), config)).toEqual([]);
  });

  it('refuses what the zod schema refuses, where JSON Schema can say it', async () => {
    const config = {
      regions: ['us-east-1', 'us-east-1'],
      models: [
        { id: 'us.anthropic.claude-3-haiku-20240307-v1:0', region: ['us-east-1'] },
        { id: 'amazon.nova-pro-v1:0', regions: ['us-east1'] },
      ],
      notify: [],
      confirmRevocation: 1.5,
      extra: true,
    };

    expect(violations(await checkedInSchema(), config)).toEqual([
      '$.regions: uniqueItems',
      '$.models[0].id: pattern',
      '$.models[0].region: additional property',
      '$.models[1].regions[0]: not in enum',
      '$.notify: minItems',
      '$.confirmRevocation: not integer',
      '$.extra: additional property',
    ]);
  });
});
