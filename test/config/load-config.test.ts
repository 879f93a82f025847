import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatProblems,
  loadWatchedModels,
  parseWatchedModels,
} from '../../src/config/load-config.ts';
import { BedrockAccessMonitorError, ConfigError } from '../../src/errors.ts';

/** One argument per line, so the line numbers in the expectations can be read off the call. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

const HEAD = ['regions: [us-east-1, us-west-2]', 'models:'];

interface Expected {
  line: number;
  column?: number;
  path?: string;
  message: string;
}

interface BrokenCase {
  name: string;
  text: string;
  problems: Expected[];
}

const broken: BrokenCase[] = [
  {
    name: 'an unclosed flow list, pointing at its "["',
    text: yaml('regions: [us-east-1, us-west-2', 'models:', '  - id: amazon.titan-text-express-v1'),
    problems: [{ line: 1, column: 10, message: 'This "[" is never closed; add the closing "]"' }],
  },
  {
    name: 'an unclosed quote, pointing at the opening quote',
    text: yaml(...HEAD, '  - id: "amazon.titan-text-express-v1', '  - id: amazon.nova-pro-v1:0'),
    problems: [{ line: 3, column: 9, message: 'quoted value is never closed' }],
  },
  {
    name: 'a stray closing bracket',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', '    regions: [us-east-1]]'),
    problems: [{ line: 4, column: 25, message: 'YAML syntax error: Unexpected flow-seq-end' }],
  },
  {
    name: 'a duplicate YAML key',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', 'regions: [eu-central-1]'),
    problems: [{ line: 4, column: 1, message: '"regions" appears twice in the same mapping' }],
  },
  {
    name: 'a tab in indentation',
    text: yaml(...HEAD, '\t- id: amazon.titan-text-express-v1'),
    problems: [
      { line: 3, column: 1, message: 'indented with a tab; YAML indentation must use spaces' },
    ],
  },
  {
    name: 'a tab after spaces in indentation',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', '  \tregions: [us-east-1]'),
    problems: [{ line: 4, column: 3, message: 'indented with a tab' }],
  },
  {
    name: 'a key indented less than its siblings',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', '  regions: [us-east-1]'),
    problems: [
      {
        line: 4,
        column: 1,
        message: 'entries of one mapping or list must start at the same column',
      },
    ],
  },
  {
    name: 'a list item indented more than its siblings',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', '   - id: amazon.nova-pro-v1:0'),
    problems: [{ line: 4, column: 4, message: 'indented differently from the entries before it' }],
  },
  {
    name: 'an unknown top-level key',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', 'notifications: [ready]'),
    problems: [
      {
        line: 4,
        column: 1,
        path: 'notifications',
        message:
          'Unknown key "notifications". The keys allowed here are regions, models, notify, confirmRevocation, lifecycleWarnings, stuckAfter, accounts.',
      },
    ],
  },
  {
    name: 'a misspelt top-level key, with a suggestion',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', 'confirmRevocations: 3'),
    problems: [{ line: 4, column: 1, message: 'did you mean "confirmRevocation"?' }],
  },
  {
    name: 'an unknown model key (region: for regions:), at the key',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', '    region: [us-east-1]'),
    problems: [
      {
        line: 4,
        column: 5,
        path: 'models[0].region',
        message:
          'Unknown key "region"; did you mean "regions"? The keys allowed here are id, regions, verify.',
      },
    ],
  },
  {
    name: 'a missing "models", at the mapping that lacks it',
    text: yaml('# watched models', 'regions: [us-east-1]'),
    problems: [{ line: 2, column: 1, path: 'models', message: 'The file has no "models" key' }],
  },
  {
    name: 'a missing "regions"',
    text: yaml('models:', '  - id: amazon.titan-text-express-v1'),
    problems: [{ line: 1, column: 1, path: 'regions', message: 'The file has no "regions" key' }],
  },
  {
    name: 'a model without an id, at its entry',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', '  - regions: [us-east-1]'),
    problems: [
      { line: 4, column: 5, path: 'models[1].id', message: 'This model entry has no "id"' },
    ],
  },
  {
    name: 'a model written as a bare string',
    text: yaml(...HEAD, '  - amazon.nova-pro-v1:0'),
    problems: [
      { line: 3, column: 5, path: 'models[0]', message: 'write "- id: amazon.nova-pro-v1:0"' },
    ],
  },
  {
    name: 'a model id with spaces',
    text: yaml(...HEAD, '  - id: anthropic claude 3 sonnet'),
    problems: [
      {
        line: 3,
        column: 9,
        path: 'models[0].id',
        message:
          'expected provider.model-name in lowercase without spaces, like anthropic.claude-3-sonnet-20240229-v1:0',
      },
    ],
  },
  {
    name: 'a model id in capitals',
    text: yaml(...HEAD, '  - id: Amazon.Titan-Text-Express-V1'),
    problems: [
      {
        line: 3,
        column: 9,
        message: 'model ids are lowercase, like "amazon.titan-text-express-v1"',
      },
    ],
  },
  {
    name: 'a model id without the provider',
    text: yaml(...HEAD, '  - id: titan-text-express-v1'),
    problems: [
      {
        line: 3,
        column: 9,
        message: '"titan-text-express-v1" is not a Bedrock model id; expected provider.model-name',
      },
    ],
  },
  {
    name: 'a number as model id',
    text: yaml(...HEAD, '  - id: 42'),
    problems: [
      {
        line: 3,
        column: 9,
        message: '"id" must be a Bedrock model id like amazon.titan-text-express-v1, not 42',
      },
    ],
  },
  {
    name: 'a foundation-model ARN as id',
    text: yaml(
      ...HEAD,
      '  - id: arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1',
    ),
    problems: [
      {
        line: 3,
        column: 9,
        message: 'is an ARN; write the model id alone: "amazon.titan-text-express-v1"',
      },
    ],
  },
  {
    name: 'a cross-region inference profile id',
    text: yaml(...HEAD, '  - id: us.anthropic.claude-sonnet-4-5-20250929-v1:0'),
    problems: [
      {
        line: 3,
        column: 9,
        message:
          'is a cross-region inference profile id, not a model id; watch the model id "anthropic.claude-sonnet-4-5-20250929-v1:0" instead',
      },
    ],
  },
  {
    name: 'an inference profile ARN',
    text: yaml(
      ...HEAD,
      '  - id: arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.meta.llama3-2-1b-instruct-v1:0',
    ),
    problems: [
      {
        line: 3,
        column: 9,
        message: 'is an inference profile ARN; watch the model id "meta.llama3-2-1b-instruct-v1:0"',
      },
    ],
  },
  {
    name: 'a region typo, with a suggestion',
    text: yaml('regions: [us-east1, us-west-2]', 'models:', '  - id: amazon.titan-text-express-v1'),
    problems: [
      {
        line: 1,
        column: 11,
        path: 'regions[0]',
        message:
          '"us-east1" is not an AWS region with a Bedrock endpoint; did you mean "us-east-1"?',
      },
    ],
  },
  {
    name: 'a region without Bedrock, without a misleading suggestion',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', '    regions: [ap-east-1]'),
    problems: [
      {
        line: 4,
        column: 15,
        path: 'models[0].regions[0]',
        message: '"ap-east-1" is not an AWS region with a Bedrock endpoint.',
      },
    ],
  },
  {
    name: 'empty "regions"',
    text: yaml('regions: []', 'models:', '  - id: amazon.titan-text-express-v1'),
    problems: [{ line: 1, column: 10, path: 'regions', message: '"regions" is empty' }],
  },
  {
    name: '"regions" with no value, at the key',
    text: yaml('regions:', 'models:', '  - id: amazon.titan-text-express-v1'),
    problems: [
      {
        line: 1,
        column: 1,
        message:
          '"regions" must be a list of region names, like [us-east-1, us-west-2]; found an empty value',
      },
    ],
  },
  {
    name: 'empty "models"',
    text: yaml('regions: [us-east-1]', 'models: []'),
    problems: [
      { line: 2, column: 9, path: 'models', message: '"models" is empty; list at least one model' },
    ],
  },
  {
    name: 'a duplicate model, naming the line of the first',
    text: yaml(
      ...HEAD,
      '  - id: amazon.titan-text-express-v1',
      '  - id: amazon.nova-pro-v1:0',
      '  - id: amazon.titan-text-express-v1',
      '    regions: [us-east-1]',
    ),
    problems: [
      {
        line: 5,
        column: 9,
        path: 'models[2].id',
        message:
          'Model "amazon.titan-text-express-v1" is listed twice; keep one entry per model and give it all its regions. The first is on line 3.',
      },
    ],
  },
  {
    name: 'a duplicate region',
    text: yaml(
      'regions: [us-east-1, us-west-2, us-east-1]',
      'models:',
      '  - id: amazon.titan-text-express-v1',
    ),
    problems: [
      {
        line: 1,
        column: 33,
        path: 'regions[2]',
        message: '"us-east-1" is listed twice in "regions". The first is at column 11.',
      },
    ],
  },
  {
    name: '"regions" as a string',
    text: yaml('regions: us-east-1', 'models:', '  - id: amazon.titan-text-express-v1'),
    problems: [
      {
        line: 1,
        column: 10,
        message: '"regions" must be a list, even for one region: write [us-east-1].',
      },
    ],
  },
  {
    name: 'confirmRevocation 0',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', 'confirmRevocation: 0'),
    problems: [
      {
        line: 4,
        column: 20,
        path: 'confirmRevocation',
        message: '"confirmRevocation" must be a whole number from 1 to 100 (default 2); found 0.',
      },
    ],
  },
  {
    name: 'confirmRevocation 1.5',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', 'confirmRevocation: 1.5'),
    problems: [
      {
        line: 4,
        column: 20,
        message: 'must be a whole number from 1 to 100 (default 2); found 1.5.',
      },
    ],
  },
  {
    name: 'confirmRevocation "two"',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', 'confirmRevocation: two'),
    problems: [
      {
        line: 4,
        column: 20,
        message: 'must be a whole number from 1 to 100 (default 2); found "two".',
      },
    ],
  },
  {
    name: 'an unknown notify kind, with a suggestion',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', 'notify: [ready, revoke]'),
    problems: [
      {
        line: 4,
        column: 17,
        path: 'notify[1]',
        message: '"revoke" is not a notification kind; did you mean "revoked"?',
      },
    ],
  },
  {
    name: 'an unknown notify kind, listing the kinds',
    text: yaml(...HEAD, '  - id: amazon.titan-text-express-v1', 'notify: [everything]'),
    problems: [
      {
        line: 4,
        column: 10,
        message:
          'the kinds are ready, revoked, failed, requested, changed, blocked, lifecycle, stuck, config, account-unreachable, account-reachable.',
      },
    ],
  },
  {
    name: 'an empty file',
    text: '',
    problems: [
      {
        line: 1,
        column: 1,
        path: '',
        message: 'The file has no settings; it needs at least "regions" and "models".',
      },
    ],
  },
  {
    name: 'a file of comments only',
    text: yaml('# nothing yet', '# to do'),
    problems: [{ line: 1, column: 1, message: 'The file has no settings' }],
  },
  {
    name: 'a top-level list',
    text: yaml('# models', '- id: amazon.titan-text-express-v1'),
    problems: [
      {
        line: 2,
        column: 1,
        message: 'The file is a list; it must be a mapping with the keys "regions" and "models"',
      },
    ],
  },
  {
    name: 'a top-level scalar',
    text: yaml('amazon.titan-text-express-v1'),
    problems: [{ line: 1, column: 1, message: 'The file is a single value; it must be a mapping' }],
  },
  {
    name: 'multiple documents',
    text: yaml('regions: [us-east-1]', '---', 'models:', '  - id: amazon.titan-text-express-v1'),
    problems: [
      {
        line: 2,
        column: 1,
        message: 'A second YAML document starts here ("---"); the config must be one document.',
      },
    ],
  },
  {
    name: 'several problems in one file, all at once and in file order',
    text: yaml(
      'regions: [us-east1, us-west-2, us-west-2]',
      'models:',
      '  - id: us.anthropic.claude-3-5-sonnet-20241022-v2:0',
      '    region: [us-east-1]',
      '  - regions: []',
      '  - id: amazon.titan-text-express-v1',
      '  - id: amazon.titan-text-express-v1',
      'notify: [ready, revoke]',
      'confirmRevocation: 0',
      'extra: true',
    ),
    problems: [
      { line: 1, column: 11, path: 'regions[0]', message: 'did you mean "us-east-1"?' },
      { line: 1, column: 32, path: 'regions[2]', message: '"us-west-2" is listed twice' },
      { line: 3, column: 9, path: 'models[0].id', message: 'inference profile id' },
      { line: 4, column: 5, path: 'models[0].region', message: 'Unknown key "region"' },
      { line: 5, column: 5, path: 'models[1].id', message: 'no "id"' },
      { line: 5, column: 14, path: 'models[1].regions', message: '"regions" is empty' },
      { line: 7, column: 9, path: 'models[3].id', message: 'The first is on line 6.' },
      { line: 8, column: 17, path: 'notify[1]', message: '"revoke"' },
      { line: 9, column: 20, path: 'confirmRevocation', message: 'found 0' },
      { line: 10, column: 1, path: 'extra', message: 'Unknown key "extra"' },
    ],
  },
  {
    name: 'a duplicate key and a schema problem together',
    text: yaml(
      ...HEAD,
      '  - id: amazon.titan-text-express-v1',
      '    id: amazon.nova-pro-v1:0',
      '  - id: eu.amazon.nova-pro-v1:0',
    ),
    problems: [
      { line: 4, column: 5, message: '"id" appears twice in the same mapping' },
      { line: 5, column: 9, message: 'watch the model id "amazon.nova-pro-v1:0" instead' },
    ],
  },
];

describe('parseWatchedModels refuses a broken file', () => {
  it.each(broken)('$name', ({ text, problems }) => {
    const result = parseWatchedModels(text, 'config/watched-models.yml');

    expect(result.ok).toBe(false);
    const actual = result.ok ? [] : result.problems;
    expect(actual).toEqual(
      problems.map(({ message, ...where }) =>
        expect.objectContaining({
          file: 'config/watched-models.yml',
          ...where,
          message: expect.stringContaining(message),
        }),
      ),
    );
  });

  it('never shows raw zod or yaml wording', () => {
    const messages = broken.flatMap(({ text }) => {
      const result = parseWatchedModels(text, 'w.yml');
      return result.ok ? [] : result.problems.map((p) => p.message);
    });

    for (const message of messages) {
      expect(message).not.toMatch(
        /Invalid input|expected \w+, received|Unrecognized key|Too small/,
      );
      expect(message).toMatch(/[.?]$/);
    }
  });
});

describe('loadWatchedModels', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'watched-models-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the config of a valid file', async () => {
    const file = join(dir, 'good.yml');
    await writeFile(
      file,
      yaml('regions: [eu-central-1]', 'models:', '  - id: amazon.nova-pro-v1:0'),
    );

    const config = await loadWatchedModels(file);

    expect(config.models).toEqual([{ id: 'amazon.nova-pro-v1:0' }]);
  });

  it('throws a ConfigError with one file:line:column line per problem', async () => {
    const file = join(dir, 'bad.yml');
    await writeFile(file, yaml('regions: [us-east1]', 'models: []'));

    const error = await loadWatchedModels(file).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(BedrockAccessMonitorError);
    const configError = error as ConfigError;
    expect(configError.name).toBe('ConfigError');
    expect(configError.problems).toHaveLength(2);
    expect(configError.message).toBe(
      [
        `${file}:1:11: "us-east1" is not an AWS region with a Bedrock endpoint; did you mean "us-east-1"?`,
        `${file}:2:9: "models" is empty; list at least one model to watch, like "- id: amazon.titan-text-express-v1".`,
      ].join('\n'),
    );
  });

  it('throws a ConfigError naming a missing file, with the fs error as cause', async () => {
    const file = join(dir, 'absent.yml');

    const error = await loadWatchedModels(file).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(`${file}: The watched-models file does not exist.`);
    expect((error as ConfigError).cause).toMatchObject({ code: 'ENOENT' });
  });

  it('throws a ConfigError when the path is a directory', async () => {
    const error = await loadWatchedModels(dir).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('This is a directory');
  });
});

describe('formatProblems', () => {
  it('writes file:line:column: message, one line each, and file: message for the whole file', () => {
    const text = formatProblems([
      { file: 'a.yml', line: 3, column: 9, path: 'models[0].id', message: 'First.' },
      { file: 'a.yml', line: 0, column: 0, path: '', message: 'Whole file.' },
    ]);

    expect(text).toBe('a.yml:3:9: First.\na.yml: Whole file.');
  });
});

it('ignores a byte-order mark when counting columns', () => {
  const result = parseWatchedModels('\uFEFFregions: [us-east1]\nmodels: [{ id: a.b }]\n', 'w.yml');

  expect(result.ok ? [] : result.problems).toMatchObject([{ line: 1, column: 11 }]);
});
