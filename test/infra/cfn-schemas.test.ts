import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CFN_SCHEMA_DIR, schemaFileFor } from './support/cfn-schema-validator.ts';

/** The README's table rows: `| file | type | hash |`. */
function listedSchemas(): { file: string; type: string }[] {
  const readme = readFileSync(join(CFN_SCHEMA_DIR, 'README.md'), 'utf8');
  return readme
    .split('\n')
    .filter((line) => /^\| aws-[a-z0-9-]+\.json \|/.test(line))
    .map((line) => {
      const [file = '', type = ''] = line
        .split('|')
        .slice(1)
        .map((cell) => cell.trim());
      return { file, type };
    });
}

describe('the CloudFormation schemas kept in the repository', () => {
  it('are each listed in their README, whose table names no file that is missing', () => {
    const files = readdirSync(CFN_SCHEMA_DIR).filter((name) => name.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    expect(
      listedSchemas()
        .map((row) => row.file)
        .sort(),
    ).toEqual(files.sort());
  });

  it('are each the schema of the type the README names for it', () => {
    for (const { file, type } of listedSchemas()) {
      const schema = JSON.parse(readFileSync(join(CFN_SCHEMA_DIR, file), 'utf8'));
      expect(schema.typeName, file).toBe(type);
      expect(schemaFileFor(type)).toBe(file);
    }
  });
});
