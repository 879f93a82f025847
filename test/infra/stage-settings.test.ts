import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../support/fixtures.ts';
import { REPO_ROOT } from './support/serverless-package.ts';

interface ResolvedSettings {
  region: string;
  schedule: string;
  alertEmail: string;
  slackWorkspaceId: string;
  slackChannelId: string;
  logRetentionDays: number;
  historyTtlDays: string;
  alertTopicKmsKeyArn: string;
  stageFile: string;
  stageFileFound: boolean;
  stageFileRegion: string;
  allowDroppingSubscriptions: boolean;
  settingsFromParams: string[];
}
interface ResolveInput {
  serviceDir: string;
  stage: string;
  regionOption?: string;
  params?: string[];
  defaults: Record<string, unknown>;
}

// serverless/*.cjs: CommonJS the framework loads, no build step.
const load = createRequire(import.meta.url);
const { resolveSettings } = load('../../serverless/stack-settings.cjs') as {
  resolveSettings(input: ResolveInput): ResolvedSettings;
};
const { deployProblems } = load('../../serverless/deploy-guard.cjs') as {
  deployProblems(settings: ResolvedSettings, stage: string): string[];
};

const DEFAULTS = {
  schedule: 'rate(5 minutes)',
  alertEmail: '',
  slackWorkspaceId: '',
  slackChannelId: '',
  logRetentionDays: 30,
  historyTtlDays: 90,
  alertTopicKmsKeyArn: '',
  dashboard: true,
};

let serviceDir = '';
let cleanup: () => Promise<void> = async () => {};
afterEach(() => cleanup());

async function withStageFile(stage: string, text: string | undefined): Promise<string> {
  const dir = await temporaryDirectory();
  cleanup = dir.remove;
  mkdirSync(join(dir.path, 'stages'));
  if (text !== undefined) writeFileSync(join(dir.path, 'stages', `${stage}.yml`), text);
  return dir.path;
}

const resolve = (input: Partial<ResolveInput> = {}) =>
  resolveSettings({ serviceDir, stage: 'prod', defaults: DEFAULTS, ...input });

const problemsOf = (input: Partial<ResolveInput> = {}): string => {
  try {
    resolve(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('the settings of a stage', () => {
  it('come from --param first, then stages/<stage>.yml, then params.default', async () => {
    serviceDir = await withStageFile('prod', '');
    const sources = fc.record(
      {
        schedule: fc.constantFrom('rate(1 minute)', 'rate(10 minutes)', 'rate(2 hours)'),
        alertEmail: fc.constantFrom('ops@example.com', 'team@example.org'),
        logRetentionDays: fc.constantFrom(1, 7, 90, 365),
        historyTtlDays: fc.integer({ min: 1, max: 400 }),
      },
      { requiredKeys: [] },
    );

    fc.assert(
      fc.property(sources, sources, (file, params) => {
        writeFileSync(
          join(serviceDir, 'stages', 'prod.yml'),
          Object.entries(file)
            .map(([key, value]) => `${key}: "${value}"`)
            .join('\n'),
        );

        const settings = resolve({
          params: Object.entries(params).map(([key, value]) => `${key}=${value}`),
        });

        // The reference: a plain merge, later sources winning.
        const expected = { ...DEFAULTS, ...file, ...params };
        expect(settings).toMatchObject({
          schedule: expected.schedule,
          alertEmail: expected.alertEmail,
          logRetentionDays: Number(expected.logRetentionDays),
          historyTtlDays: String(expected.historyTtlDays),
          settingsFromParams: Object.keys(params),
        });
      }),
      { numRuns: 40 },
    );
  });

  it('take the region from --region, else the file, else us-east-1, and refuse the two disagreeing', async () => {
    serviceDir = await withStageFile('prod', 'region: eu-west-1\n');

    expect(resolve().region).toBe('eu-west-1');
    expect(resolve({ regionOption: 'eu-west-1' }).region).toBe('eu-west-1');
    expect(resolve({ stage: 'other' }).region).toBe('us-east-1');
    expect(resolve({ stage: 'other', regionOption: 'ap-south-1' }).region).toBe('ap-south-1');
    expect(problemsOf({ regionOption: 'us-east-1' })).toContain(
      '--region us-east-1 and stages/prod.yml (region: eu-west-1) disagree: leave --region out, or change the file',
    );
  });

  it('name each bad line of the file, with every other problem, at once', async () => {
    serviceDir = await withStageFile(
      'prod',
      'region: eu-west-1\nalertEmial: ops@example.com\nschedule: [rate(5 minutes)]\nallowDroppingSubscriptions: yes please\nlogRetentionDays: 13\n',
    );

    const message = problemsOf();

    expect(message).toContain(
      'stages/prod.yml:2: unknown setting "alertEmial"; did you mean "alertEmail"?',
    );
    expect(message).toContain('stages/prod.yml:3: schedule must be a single value');
    expect(message).toContain(
      'stages/prod.yml:4: allowDroppingSubscriptions must be true or false',
    );
    expect(message).toContain('logRetentionDays must be one of');
  });

  it('refuse a file that is not YAML or not a mapping, naming it', async () => {
    serviceDir = await withStageFile('prod', 'region: [eu-west-1\n');
    expect(problemsOf()).toMatch(/stages\/prod\.yml:\d+: YAML syntax error/);

    writeFileSync(join(serviceDir, 'stages', 'prod.yml'), '- region: eu-west-1\n');
    expect(problemsOf()).toContain('stages/prod.yml: must be a mapping of settings');
  });

  it('include the committed example, which a deploy accepts as it is', async () => {
    serviceDir = await withStageFile('prod', undefined);
    copyFileSync(join(REPO_ROOT, 'stages', 'example.yml'), join(serviceDir, 'stages', 'prod.yml'));

    const settings = resolve();

    expect(settings).toMatchObject({ region: 'eu-west-1', alertEmail: 'ops@example.com' });
    expect(deployProblems(settings, 'prod')).toEqual([]);
  });
});

describe('the stage files the docs show', () => {
  const shown = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).map((f) => `docs/${f}`)]
    .filter((doc) => doc.endsWith('.md'))
    .flatMap((doc) =>
      [
        ...readFileSync(join(REPO_ROOT, doc), 'utf8').matchAll(
          /^( *)```yaml\n\1# (stages\/[a-z]+\.yml)\n([\s\S]*?)^\1```/gm,
        ),
      ].map((match) => ({
        doc,
        text: (match[3] ?? '').replaceAll(`\n${match[1]}`, '\n').replace(/^ +/, ''),
      })),
    );

  it('are there', () => {
    expect(shown.length).toBeGreaterThanOrEqual(3);
  });

  it('are accepted by a deploy', async () => {
    serviceDir = await withStageFile('prod', undefined);
    for (const { doc, text } of shown) {
      writeFileSync(join(serviceDir, 'stages', 'prod.yml'), text.replace(/^ {3}/gm, ''));
      expect(deployProblems(resolve(), 'prod'), doc).toEqual([]);
    }
  });
});

describe('a deploy', () => {
  it('is refused without a settings file for the stage', async () => {
    serviceDir = await withStageFile('prod', undefined);

    expect(deployProblems(resolve(), 'prod')).toEqual([
      'There is no settings file for the stage "prod": create stages/prod.yml (copy stages/example.yml), put the stage\'s region and alert settings in it and commit it. Every deploy of the stage reads it, so a redeploy keeps the alerts.',
    ]);
  });

  it('is refused with a setting given as --param, or with no region in the file', async () => {
    serviceDir = await withStageFile('prod', 'alertEmail: ops@example.com\n');

    const problems = deployProblems(
      resolve({
        params: ['slackWorkspaceId=T0123', 'slackChannelId=C0123'],
        regionOption: 'eu-west-1',
      }),
      'prod',
    );

    expect(problems).toEqual([
      '--param slackWorkspaceId, --param slackChannelId: a deploy takes its settings from stages/prod.yml only, because a --param is not remembered and the next deploy without it would switch it off. Put them in stages/prod.yml.',
      'stages/prod.yml has no region: add "region: eu-west-1" so that every deploy of the stage goes to the same stack.',
    ]);
  });

  it('is refused when the file subscribes nobody, unless it says allowDroppingSubscriptions: true', async () => {
    serviceDir = await withStageFile('prod', 'region: eu-west-1\n');
    expect(deployProblems(resolve(), 'prod')).toEqual([
      'stages/prod.yml subscribes nobody to the alerts (no alertEmail, no slackWorkspaceId and slackChannelId): this deploy would remove any subscription an earlier deploy made. Add the subscriptions, or "allowDroppingSubscriptions: true" if the stage is meant to have none.',
    ]);

    writeFileSync(
      join(serviceDir, 'stages', 'prod.yml'),
      'region: eu-west-1\nallowDroppingSubscriptions: true\n',
    );
    expect(deployProblems(resolve(), 'prod')).toEqual([]);

    writeFileSync(
      join(serviceDir, 'stages', 'prod.yml'),
      'region: eu-west-1\nslackWorkspaceId: T0123\nslackChannelId: C0123\n',
    );
    expect(deployProblems(resolve(), 'prod')).toEqual([]);
  });
});
