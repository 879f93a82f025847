import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BEDROCK_REGIONS, isBedrockRegion } from '../../src/config/bedrock-regions.ts';
import { parseWatchedModels } from '../../src/config/load-config.ts';
import { INFERENCE_PROFILE_PREFIXES, WatchedConfigSchema } from '../../src/config/schema.ts';
import {
  resolveTargets,
  stuckAfterMs,
  verificationIntervalMs,
  verificationTarget,
  type WatchedConfig,
} from '../../src/config/watched-config.ts';

const SHIPPED = new URL('../../config/watched-models.yml', import.meta.url);

function parseOrThrow(text: string): WatchedConfig {
  const result = parseWatchedModels(text, 'test.yml');
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.config;
}

describe('the shipped config/watched-models.yml', () => {
  it('is valid and points editors at the JSON Schema on its first line', async () => {
    const text = await readFile(SHIPPED, 'utf8');

    const result = parseWatchedModels(text, 'config/watched-models.yml');

    expect(result).toMatchObject({ ok: true });
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./watched-models.schema.json',
    );
  });

  it('watches models of several providers in us-east-1 and us-west-2 by default', async () => {
    const config = parseOrThrow(await readFile(SHIPPED, 'utf8'));

    const providers = new Set(config.models.map((model) => model.id.split('.')[0]));
    expect(config.regions).toEqual(['us-east-1', 'us-west-2']);
    expect(config.models.length).toBeGreaterThanOrEqual(4);
    expect(providers.size).toBeGreaterThanOrEqual(4);
  });
});

describe('defaults', () => {
  it('notifies every kind but requested and changed (account kinds included), confirms a revocation twice, warns 30, 7 and 1 days ahead, calls 30 minutes in progress stuck', () => {
    const config = parseOrThrow('regions: [us-east-1]\nmodels: [{ id: amazon.nova-pro-v1:0 }]\n');

    expect(config.notify).toEqual([
      'ready',
      'revoked',
      'failed',
      'blocked',
      'lifecycle',
      'stuck',
      'config',
      'account-unreachable',
      'account-reachable',
    ]);
    expect(config.confirmRevocation).toBe(2);
    expect(config.lifecycleWarnings).toEqual([30, 7, 1]);
    expect(config.stuckAfter).toBe('30m');
    expect(stuckAfterMs(config)).toBe(1_800_000);
  });

  it('keeps the values the file gives', () => {
    const config = parseOrThrow(
      'regions: [us-east-1]\nmodels: [{ id: amazon.nova-pro-v1:0 }]\nnotify: [changed]\nconfirmRevocation: 5\n',
    );

    expect(config.notify).toEqual(['changed']);
    expect(config.confirmRevocation).toBe(5);
  });

  it('gives every parse its own default list', () => {
    const text = 'regions: [us-east-1]\nmodels: [{ id: amazon.nova-pro-v1:0 }]\n';
    const first = parseOrThrow(text);

    first.notify.push('changed');

    expect(parseOrThrow(text).notify).toEqual([
      'ready',
      'revoked',
      'failed',
      'blocked',
      'lifecycle',
      'stuck',
      'config',
      'account-unreachable',
      'account-reachable',
    ]);
  });
});

describe('verify', () => {
  const withVerify = (verify: string) =>
    parseWatchedModels(
      `regions: [us-east-1]\nmodels:\n  - id: anthropic.claude-sonnet-4-5-20250929-v1:0\n    verify: ${verify}\n`,
      'config/watched-models.yml',
    );

  it('is off unless asked for, and invokes the model id or the given inference profile', () => {
    const off = parseOrThrow('regions: [us-east-1]\nmodels: [{ id: amazon.nova-pro-v1:0 }]\n');
    const on = withVerify('true');
    const profile = withVerify(
      '{ inferenceProfile: us.anthropic.claude-sonnet-4-5-20250929-v1:0 }',
    );

    expect(verificationTarget(off, 'amazon.nova-pro-v1:0')).toBeUndefined();
    expect(
      on.ok && verificationTarget(on.config, 'anthropic.claude-sonnet-4-5-20250929-v1:0'),
    ).toBe('anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(
      profile.ok && verificationTarget(profile.config, 'anthropic.claude-sonnet-4-5-20250929-v1:0'),
    ).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
  });

  it.each([
    [
      'yes',
      4,
      13,
      '"verify" must be true, false, or a mapping like { inferenceProfile: us.anthropic.claude-sonnet-4-5-20250929-v1:0, every: 1d }; found "yes".',
    ],
    [
      '{ inferenceProfile: anthropic.claude-sonnet-4-5-20250929-v1:0 }',
      4,
      33,
      'is not a cross-region inference profile id',
    ],
    [
      '{ inferenceProfile: us.amazon.nova-pro-v1:0 }',
      4,
      33,
      'does not route to this model; use the profile of anthropic.claude-sonnet-4-5-20250929-v1:0',
    ],
    [
      '{ profile: us.anthropic.claude-sonnet-4-5-20250929-v1:0 }',
      4,
      15,
      'Unknown key "profile". The keys allowed here are inferenceProfile, every.',
    ],
  ])('refuses verify: %s with line and message', (verify, line, column, message) => {
    const result = withVerify(verify);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      expect.objectContaining({ line, column, message: expect.stringContaining(message) }),
    ]);
  });
});

describe('verify every', () => {
  const withVerify = (verify: string) =>
    parseWatchedModels(
      `regions: [us-east-1]\nmodels:\n  - id: amazon.nova-pro-v1:0\n    verify: ${verify}\n`,
      'config/watched-models.yml',
    );

  it('repeats the verification at the interval, through the model id unless a profile is given', () => {
    const daily = withVerify('{ every: 1d }');
    const both = withVerify('{ inferenceProfile: us.amazon.nova-pro-v1:0, every: 12h }');
    const once = withVerify('true');

    if (!daily.ok || !both.ok || !once.ok) throw new Error('expected valid configs');
    expect(verificationTarget(daily.config, 'amazon.nova-pro-v1:0')).toBe('amazon.nova-pro-v1:0');
    expect(verificationIntervalMs(daily.config, 'amazon.nova-pro-v1:0')).toBe(86_400_000);
    expect(verificationTarget(both.config, 'amazon.nova-pro-v1:0')).toBe('us.amazon.nova-pro-v1:0');
    expect(verificationIntervalMs(both.config, 'amazon.nova-pro-v1:0')).toBe(43_200_000);
    expect(verificationIntervalMs(once.config, 'amazon.nova-pro-v1:0')).toBeUndefined();
  });

  it.each([
    ['{ every: 30m }', 4, 22, '"every" must be at least 1h (each call is billed); found "30m".'],
    [
      '{ every: daily }',
      4,
      22,
      '"every" must be a duration: a whole number and m (minutes), h (hours) or d (days), like 1d; found "daily".',
    ],
    [
      '{ every: 24 }',
      4,
      22,
      '"every" must be a duration: a whole number and m (minutes), h (hours) or d (days), like 1d; found 24.',
    ],
    [
      '{ every: 1d, evry: 2d }',
      4,
      26,
      'Unknown key "evry"; did you mean "every"? The keys allowed here are inferenceProfile, every.',
    ],
  ])('refuses verify: %s at its line and column', (verify, line, column, message) => {
    const result = withVerify(verify);

    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ line, column, message })],
    });
  });
});

describe('lifecycleWarnings, stuckAfter and where eventBusName goes', () => {
  const withKeys = (keys: string) =>
    parseWatchedModels(
      `regions: [us-east-1]\nmodels: [{ id: amazon.nova-pro-v1:0 }]\n${keys}\n`,
      'config/watched-models.yml',
    );

  it('keeps the lead times and the duration the file gives; [] turns warnings off', () => {
    const given = parseOrThrow(
      'regions: [us-east-1]\nmodels: [{ id: amazon.nova-pro-v1:0 }]\nlifecycleWarnings: [60, 14]\nstuckAfter: 2h\n',
    );
    const none = parseOrThrow(
      'regions: [us-east-1]\nmodels: [{ id: amazon.nova-pro-v1:0 }]\nlifecycleWarnings: []\n',
    );

    expect(given.lifecycleWarnings).toEqual([60, 14]);
    expect(stuckAfterMs(given)).toBe(7_200_000);
    expect(none.lifecycleWarnings).toEqual([]);
  });

  it.each([
    [
      'lifecycleWarnings: [30, 7.5]',
      3,
      25,
      'Each lead time in "lifecycleWarnings" must be a whole number of days from 1 to 365, like 30; found 7.5.',
    ],
    [
      'lifecycleWarnings: [0]',
      3,
      21,
      'Each lead time in "lifecycleWarnings" must be a whole number of days from 1 to 365, like 30; found 0.',
    ],
    [
      'lifecycleWarnings: [720]',
      3,
      21,
      'Each lead time in "lifecycleWarnings" must be a whole number of days from 1 to 365, like 30; found 720.',
    ],
    [
      'lifecycleWarnings: 30',
      3,
      20,
      '"lifecycleWarnings" must be a list of days, like [30, 7, 1]; found 30.',
    ],
    [
      'lifecycleWarnings: [30, 7, 30]',
      3,
      28,
      '30 is listed twice in "lifecycleWarnings". The first is at column 21.',
    ],
    [
      'stuckAfter: 30',
      3,
      13,
      '"stuckAfter" must be a duration: a whole number and m (minutes), h (hours) or d (days), like 30m; found 30.',
    ],
    [
      'stuckAfter: 90s',
      3,
      13,
      '"stuckAfter" must be a duration: a whole number and m (minutes), h (hours) or d (days), like 30m; found "90s".',
    ],
    [
      'stuckAfter: 0m',
      3,
      13,
      '"stuckAfter" must be a duration: a whole number and m (minutes), h (hours) or d (days), like 30m; found "0m".',
    ],
    [
      'eventBusName: default',
      3,
      1,
      '"eventBusName" is a setting of the stack, not a key of this file: set eventBusName: default (or the name of your bus) in stages/<stage>.yml to send every announced event to EventBridge as well.',
    ],
    [
      'notify: [lifecyle]',
      3,
      10,
      '"lifecyle" is not a notification kind; did you mean "lifecycle"?',
    ],
  ])('refuses %s at its line and column', (keys, line, column, message) => {
    expect(withKeys(keys)).toEqual({
      ok: false,
      problems: [expect.objectContaining({ line, column, message })],
    });
  });
});

describe('resolveTargets', () => {
  it('checks each model in its own regions, or else the defaults, in config order', () => {
    const config = parseOrThrow(
      [
        'regions: [us-east-1, us-west-2]',
        'models:',
        '  - id: anthropic.claude-3-sonnet-20240229-v1:0',
        '  - id: amazon.titan-text-express-v1',
        '    regions: [us-east-1]',
        '  - id: mistral.mistral-large-2402-v1:0',
        '    regions: [eu-west-3, us-west-2]',
      ].join('\n'),
    );

    expect(resolveTargets(config)).toEqual([
      { region: 'us-east-1', modelId: 'anthropic.claude-3-sonnet-20240229-v1:0' },
      { region: 'us-west-2', modelId: 'anthropic.claude-3-sonnet-20240229-v1:0' },
      { region: 'us-east-1', modelId: 'amazon.titan-text-express-v1' },
      { region: 'eu-west-3', modelId: 'mistral.mistral-large-2402-v1:0' },
      { region: 'us-west-2', modelId: 'mistral.mistral-large-2402-v1:0' },
    ]);
  });
});

describe('model ids', () => {
  const config = (id: string) => ({ regions: ['us-east-1'], models: [{ id }] });

  it.each([
    'anthropic.claude-3-sonnet-20240229-v1:0',
    'amazon.titan-text-express-v1',
    'meta.llama3-8b-instruct-v1:0',
    'mistral.mistral-large-2402-v1:0',
    'amazon.nova-pro-v1:0',
    'cohere.command-r-plus-v1:0',
    'deepseek.r1-v1:0',
    'openai.gpt-oss-120b-1:0',
    'anthropic.claude-sonnet-4-5-20250929-v1:0',
    'anthropic.claude-v2:1:200k',
  ])('accepts the foundation model id %s', (id) => {
    expect(WatchedConfigSchema.safeParse(config(id)).success).toBe(true);
  });

  it.each(
    INFERENCE_PROFILE_PREFIXES.map((prefix) => `${prefix}.anthropic.claude-3-haiku-20240307-v1:0`),
  )('refuses the inference profile id %s and names the model id', (id) => {
    const result = WatchedConfigSchema.safeParse(config(id));

    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      expect.stringContaining('watch the model id "anthropic.claude-3-haiku-20240307-v1:0"'),
    ]);
  });
});

describe('Bedrock regions', () => {
  it('lists the commercial and GovCloud regions, ap-southeast-1 to -7 expanded', () => {
    expect(BEDROCK_REGIONS).toHaveLength(35);
    expect(BEDROCK_REGIONS).toEqual(
      expect.arrayContaining(['ap-southeast-7', 'us-gov-west-1', 'mx-central-1']),
    );
    expect(new Set(BEDROCK_REGIONS).size).toBe(BEDROCK_REGIONS.length);
  });

  it('tells Bedrock regions from other strings', () => {
    expect(isBedrockRegion('eu-central-2')).toBe(true);
    expect(isBedrockRegion('cn-north-1')).toBe(false);
    expect(isBedrockRegion(42)).toBe(false);
  });
});
