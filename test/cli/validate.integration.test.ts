import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFunctionTimeoutSeconds } from '../../src/config/function-timeout.ts';
import { isolatedAwsEnvironment, runBin } from '../support/cli-harness.ts';
import { temporaryDirectory } from '../support/fixtures.ts';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('validate refuses what cannot work once deployed', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  beforeEach(async () => {
    dir = await temporaryDirectory();
  });
  afterEach(() => dir.remove());

  async function validate(content: string | Buffer) {
    const file = join(dir.path, 'watched-models.yml');
    await writeFile(file, content);
    return { file, result: await runBin(['validate', file], isolatedAwsEnvironment(dir.path)) };
  }

  it('a profile outside its geography, GovCloud beside commercial, 1000000 answers, a zero-width space', async () => {
    const { file, result } = await validate(`regions: [us-east-1, eu-west-1]
models:
  - id: ${SONNET}
    verify: { inferenceProfile: us.${SONNET} }
  - id: amazon.titan-text\u200b-express-v1
  - id: meta.llama3-8b-instruct-v1:0
    regions: [us-gov-west-1]
confirmRevocation: 1000000
`);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      'The config has 4 problems:',
      `${file}:4:33: The inference profile "us.${SONNET}" cannot be called from eu-west-1, where this model is checked: us. profiles are called from us-east-1, us-east-2, us-west-1, us-west-2, ca-central-1, and the packaged template would grant bedrock:InvokeModel on a profile that does not exist there. Use global.${SONNET} if the model has one, or give this model "regions" of its own within the us geography.`,
      `${file}:5:26: The model id "amazon.titan-text<U+200B>-express-v1" contains an invisible character, U+200B ZERO WIDTH SPACE, at position 18; delete it (retype the value: it often comes with text copied from a web page or a chat).`,
      `${file}:7:15: "us-gov-west-1" is an AWS GovCloud (US) region, but "us-east-1", the first region of the file, is a commercial AWS region: GovCloud is a partition of its own, with its own accounts and credentials, and one deployment runs in one partition. Watch the GovCloud regions with a config and a deployment of their own.`,
      `${file}:8:20: "confirmRevocation" must be a whole number from 1 to 100 (default 2); found 1000000. More answers in a row would announce a revocation hours or days late: 100 runs of the default 5-minute schedule take over 8 hours.`,
      '',
    ]);
  });

  it('more checks in one region than a run of the function can make, and how long they would take', async () => {
    const timeout = await readFunctionTimeoutSeconds();
    // A run keeps a quarter of its time, at least 5 s, for its writes; checks go at 10 a second.
    const budgetMs = timeout * 1000 - Math.max(5000, Math.floor(timeout * 250));
    const checks = Math.floor(budgetMs / 100) + 1;
    const models = Array.from({ length: checks }, (_, i) => `  - id: bench.model-${i}-v1:0`);

    const { file, result } = await validate(
      `regions: [us-west-2, eu-west-1]\nmodels:\n${models.join('\n')}\n`,
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        'The config has 2 problems:',
        ...[
          ['1:11', 'us-west-2'],
          ['1:22', 'eu-west-1'],
        ].map(
          ([at, region]) =>
            `${file}:${at}: ${region} has ${checks} checks a run: at 10 calls a second, the rate per region Bedrock accepts in the benchmark (npm run bench), they take about ${Math.ceil(checks / 10)} s, more than the ${Math.floor(budgetMs / 1000)} s a run of the deployed function has for them (its timeout, ${timeout} s in serverless.yml, less the time it keeps for saving state and sending alerts). Watch fewer models in ${region}, or split the models over two deployments (stages).`,
        ),
        '',
      ].join('\n'),
    );
  });

  it('a file that is not UTF-8 text', async () => {
    // "# Modèles" saved as Latin-1: è is the single byte 0xE8.
    const latin1 = Buffer.concat([
      Buffer.from('# Mod'),
      Buffer.from([0xe8]),
      Buffer.from('les\nregions: [us-east-1]\n'),
    ]);

    const { file, result } = await validate(latin1);

    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `The config has a problem:\n${file}:1:6: The file is not UTF-8 text (byte 0xE8 is not UTF-8); save it as UTF-8, the encoding YAML files use.\n`,
    });
  });
});
