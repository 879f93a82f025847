import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BEDROCK_REGIONS } from '../../src/config/bedrock-regions.ts';
import { readFunctionTimeoutSeconds } from '../../src/config/function-timeout.ts';
import { INFERENCE_PROFILE_GEOGRAPHIES } from '../../src/config/inference-profile-geographies.ts';
import { loadWatchedModels, parseWatchedModels } from '../../src/config/load-config.ts';
import { ConfigError } from '../../src/errors.ts';
import { temporaryDirectory } from '../support/fixtures.ts';

const TITAN = 'amazon.titan-text-express-v1';
const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

function problemsOf(yaml: string, limits?: { functionTimeoutSeconds: number }) {
  const result = parseWatchedModels(yaml, 'w.yml', limits);
  return result.ok ? [] : result.problems;
}

describe('ids with invisible characters', () => {
  const INVISIBLE: Array<[string, string]> = [
    ['\u200b', 'U+200B ZERO WIDTH SPACE'],
    ['\u200d', 'U+200D ZERO WIDTH JOINER'],
    ['\u00a0', 'U+00A0 NO-BREAK SPACE'],
    ['\ufeff', 'U+FEFF ZERO WIDTH NO-BREAK SPACE'],
    ['\u2060', 'U+2060 WORD JOINER'],
    ['\u202e', 'U+202E RIGHT-TO-LEFT OVERRIDE'],
    ['\u00ad', 'U+00AD SOFT HYPHEN'],
  ];

  it('names the character and its position, and points the column at it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INVISIBLE),
        fc.integer({ min: 1, max: TITAN.length - 1 }),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        ([character, description], at, indent, quoted) => {
          const id = `${TITAN.slice(0, at)}${character}${TITAN.slice(at)}`;
          const value = quoted ? `"${id}"` : id;
          const prefix = `${' '.repeat(indent)}- id: `;

          const problems = problemsOf(`regions: [us-east-1]\nmodels:\n${prefix}${value}\n`);

          expect(problems).toEqual([
            expect.objectContaining({
              line: 3,
              column: prefix.length + (quoted ? 1 : 0) + at + 1,
              path: 'models[0].id',
              message: `The model id "${TITAN.slice(0, at)}<${description.split(' ')[0]}>${TITAN.slice(at)}" contains an invisible character, ${description}, at position ${at + 1}; delete it (retype the value: it often comes with text copied from a web page or a chat).`,
            }),
          ]);
        },
      ),
    );
  });

  it('names one in a region, a notification kind, an inference profile and a key too', () => {
    const problems = problemsOf(`regions: [us-east-1\u200b]
models:
  - id: ${SONNET}
    verify: { inferenceProfile: us.${SONNET}\u2060 }
notify: [ready\u00a0]
confirm\u200cRevocation: 2
`);

    expect(problems.map((p) => `${p.line}:${p.column} ${p.message.split(';')[0]}`)).toEqual([
      '1:20 The region "us-east-1<U+200B>" contains an invisible character, U+200B ZERO WIDTH SPACE, at position 10',
      `4:${32 + `us.${SONNET}`.length + 1} The inference profile id "us.${SONNET}<U+2060>" contains an invisible character, U+2060 WORD JOINER, at position ${SONNET.length + 4}`,
      '5:15 The kind "ready<U+00A0>" contains an invisible character, U+00A0 NO-BREAK SPACE, at position 6',
      '6:8 The key "confirm<U+200C>Revocation" contains an invisible character, U+200C ZERO WIDTH NON-JOINER, at position 8',
    ]);
  });
});

describe('inference profiles outside their geography', () => {
  const verified = (profile: string, regions: string) => `regions: [${regions}]
models:
  - id: ${SONNET}
    verify: { inferenceProfile: ${profile}.${SONNET} }
`;

  it('refuses a profile for every region outside its geography, and only those', () => {
    const prefixes = Object.keys(INFERENCE_PROFILE_GEOGRAPHIES) as Array<
      keyof typeof INFERENCE_PROFILE_GEOGRAPHIES
    >;
    const commercial = BEDROCK_REGIONS.filter((region) => !region.startsWith('us-gov-'));
    const gov = BEDROCK_REGIONS.filter((region) => region.startsWith('us-gov-'));
    fc.assert(
      fc.property(
        fc.constantFrom(...prefixes),
        fc.oneof(
          fc.uniqueArray(fc.constantFrom(...commercial), { minLength: 1, maxLength: 4 }),
          fc.uniqueArray(fc.constantFrom(...gov), { minLength: 1, maxLength: 2 }),
        ),
        (prefix, regions) => {
          const served: readonly string[] = INFERENCE_PROFILE_GEOGRAPHIES[prefix];
          const outside = regions.filter((region) => !served.includes(region));

          const problems = problemsOf(verified(prefix, regions.join(', ')));

          if (outside.length === 0) expect(problems).toEqual([]);
          else {
            expect(problems).toHaveLength(1);
            expect(problems[0]?.path).toBe('models[0].verify.inferenceProfile');
            expect(problems[0]?.message).toContain(
              `The inference profile "${prefix}.${SONNET}" cannot be called from ${outside.join(', ')}, where this model is checked`,
            );
          }
        },
      ),
    );
  });

  it('says which profile serves the regions instead', () => {
    const [eu] = problemsOf(verified('us', 'eu-west-1, eu-central-1'));
    const [mixed] = problemsOf(verified('us', 'us-east-1, eu-west-1'));

    expect(eu?.message).toMatch(
      new RegExp(
        `the packaged template would grant bedrock:InvokeModel on a profile that does not exist there\\. Use eu\\.${SONNET.replace(/\./g, '\\.')} if the model has one`,
      ),
    );
    expect(mixed?.message).toContain(`Use global.${SONNET} if the model has one`);
  });
});

describe('GovCloud and commercial regions in one file', () => {
  it('refuses every region of the other partition, where it is written', () => {
    const problems = problemsOf(`regions: [us-gov-west-1]
models:
  - id: ${TITAN}
  - id: meta.llama3-8b-instruct-v1:0
    regions: [us-gov-east-1, us-east-1]
`);

    expect(problems).toEqual([
      expect.objectContaining({
        line: 5,
        column: 30,
        path: 'models[1].regions[1]',
        message: expect.stringMatching(
          /^"us-east-1" is a commercial AWS region, but "us-gov-west-1", the first region of the file, is an AWS GovCloud \(US\) region: GovCloud is a partition of its own/,
        ),
      }),
    ]);
  });
});

describe('confirmRevocation', () => {
  it.each([
    [1, true],
    [100, true],
    [101, false],
    [1_000_000, false],
  ])('%i answers in a row: accepted %s', (count, accepted) => {
    const problems = problemsOf(
      `regions: [us-east-1]\nmodels: [{ id: ${TITAN} }]\nconfirmRevocation: ${count}\n`,
    );

    expect(problems.length === 0).toBe(accepted);
    if (!accepted) {
      expect(problems[0]?.message).toBe(
        `"confirmRevocation" must be a whole number from 1 to 100 (default 2); found ${count}. More answers in a row would announce a revocation hours or days late: 100 runs of the default 5-minute schedule take over 8 hours.`,
      );
    }
  });
});

describe('checks a run of the function cannot finish', () => {
  const manyModels = (count: number) =>
    `regions: [us-east-1]\nmodels:\n${Array.from({ length: count }, (_, i) => `  - id: bench.model-${i}-v1:0\n`).join('')}`;

  it('refuses a region whose checks at 10 a second outlast the check budget of the timeout', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1500 }),
        fc.integer({ min: 10, max: 200 }),
        (checks, timeoutSeconds) => {
          // The plain model: checks take checks/10 s; a run keeps a quarter of its time (at
          // least 5 s) for its writes.
          const budgetMs = timeoutSeconds * 1000 - Math.max(5000, Math.floor(timeoutSeconds * 250));
          const tooMany = checks * 100 > budgetMs;

          const problems = problemsOf(manyModels(checks), {
            functionTimeoutSeconds: timeoutSeconds,
          });

          expect(problems.length).toBe(tooMany ? 1 : 0);
          if (tooMany) {
            expect(problems[0]).toMatchObject({ line: 1, column: 11, path: 'regions[0]' });
            expect(problems[0]?.message).toMatch(
              new RegExp(
                `^us-east-1 has ${checks} checks a run: .* they take about ${Math.ceil(checks / 10)} s, more than the ${Math.floor(budgetMs / 1000)} s a run of the deployed function has for them \\(its timeout, ${timeoutSeconds} s in serverless.yml,`,
              ),
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('reads the timeout from serverless.yml, the one place the stack sets it', async () => {
    const serverless = await temporaryDirectory();
    try {
      const file = join(serverless.path, 'serverless.yml');
      await writeFile(file, 'service: x\nprovider:\n  name: aws\n  timeout: 45\n');
      await writeFile(join(serverless.path, 'bad.yml'), 'provider:\n  timeout: two minutes\n');

      expect(await readFunctionTimeoutSeconds(file)).toBe(45);
      await expect(readFunctionTimeoutSeconds(join(serverless.path, 'bad.yml'))).rejects.toThrow(
        'provider.timeout must be the function\'s timeout in whole seconds, got "two minutes"',
      );
      expect(await readFunctionTimeoutSeconds()).toBe(120);
    } finally {
      await serverless.remove();
    }
  });
});

describe('a file that is not UTF-8 text', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  beforeEach(async () => {
    dir = await temporaryDirectory();
  });
  afterEach(() => dir.remove());

  async function problemOf(bytes: Buffer) {
    const file = join(dir.path, 'w.yml');
    await writeFile(file, bytes);
    const error = await loadWatchedModels(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }

  it('says so, with the first byte that is not UTF-8 and where it is', async () => {
    // Latin-1: "café" with é as the single byte 0xE9.
    const latin1 = Buffer.concat([
      Buffer.from('regions: [us-east-1]\nmodels:\n  - id: caf'),
      Buffer.from([0xe9]),
      Buffer.from('.model\n'),
    ]);

    expect(await problemOf(latin1)).toEqual([
      {
        file: join(dir.path, 'w.yml'),
        line: 3,
        column: 12,
        path: '',
        message:
          'The file is not UTF-8 text (byte 0xE9 is not UTF-8); save it as UTF-8, the encoding YAML files use.',
      },
    ]);
  });

  it('names UTF-16, and a binary file is not "a single value"', async () => {
    const utf16 = Buffer.from(`\ufeffregions: [us-east-1]\n`, 'utf16le');
    const gzip = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03]);

    expect((await problemOf(utf16))[0]?.message).toBe(
      'The file is not UTF-8 text (it is UTF-16 text); save it as UTF-8, the encoding YAML files use.',
    );
    expect((await problemOf(gzip))[0]).toMatchObject({
      line: 1,
      column: 2,
      message: expect.stringContaining('byte 0x8B is not UTF-8'),
    });
  });
});
