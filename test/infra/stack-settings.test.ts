import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from './support/serverless-package.ts';

interface StackSettings {
  schedule: string;
  schedulePeriodSeconds: number;
  alertEmail: string;
  slackWorkspaceId: string;
  slackChannelId: string;
  logRetentionDays: number;
  historyTtlDays: string;
  alertTopicKmsKeyArn: string;
  dashboard: boolean;
  eventBusName: string;
  /** The `resources` fragment of the PutEvents policy; empty without a bus. */
  eventBusResources: { Resources?: Record<string, { Properties: unknown }> };
}

// serverless/stack-settings.cjs is a Serverless variable source (CommonJS, no build step).
const { checkStackSettings } = createRequire(import.meta.url)(
  '../../serverless/stack-settings.cjs',
) as {
  checkStackSettings(raw: Record<string, unknown>, context?: { region?: string }): StackSettings;
};

const { SETTING_KEYS } = createRequire(import.meta.url)('../../serverless/stage-file.cjs') as {
  SETTING_KEYS: readonly string[];
};

// serverless.yml's params.default, as stack-settings.cjs reads them.
const DEFAULTS = {
  schedule: 'rate(5 minutes)',
  alertEmail: '',
  slackWorkspaceId: '',
  slackChannelId: '',
  logRetentionDays: 30,
  historyTtlDays: 90,
  alertTopicKmsKeyArn: '',
  dashboard: true,
  eventBusName: '',
  workerMaximumConcurrency: 10,
};
const KEY_ARN = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

const problemsWith = (change: Record<string, unknown>, region?: string): string => {
  try {
    checkStackSettings({ ...DEFAULTS, ...change }, { region });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(change)}`);
};

describe('stack parameters', () => {
  it('turn the defaults into typed settings, with the alarm period of the schedule', () => {
    expect(checkStackSettings(DEFAULTS)).toEqual({
      schedule: 'rate(5 minutes)',
      schedulePeriodSeconds: 300,
      alertEmail: '',
      slackWorkspaceId: '',
      slackChannelId: '',
      logRetentionDays: 30,
      historyTtlDays: '90',
      alertTopicKmsKeyArn: '',
      dashboard: true,
      eventBusName: '',
      eventBusResources: {},
      workerMaximumConcurrency: 10,
    });
  });

  it('take an EventBridge bus name, default included, and refuse anything else', () => {
    const settings = checkStackSettings({ ...DEFAULTS, eventBusName: 'default' });
    expect(settings.eventBusName).toBe('default');
    expect(
      JSON.stringify(settings.eventBusResources.Resources?.PutEventsPolicy?.Properties),
    ).toContain(':event-bus/default"');
    expect(
      problemsWith({ eventBusName: 'arn:aws:events:us-east-1:111122223333:event-bus/x' }),
    ).toContain(
      "eventBusName must be the name of an EventBridge bus in the stack's account and region",
    );
  });

  it('accept --param values, which arrive as strings', () => {
    const settings = checkStackSettings({
      ...DEFAULTS,
      schedule: 'rate(1 hour)',
      logRetentionDays: '14',
      historyTtlDays: '7',
      alertEmail: 'ops@example.com',
      slackWorkspaceId: 'T0123ABCD',
      slackChannelId: 'C0123ABCD',
    });
    expect(settings).toMatchObject({
      schedulePeriodSeconds: 3600,
      logRetentionDays: 14,
      historyTtlDays: '7',
    });
  });

  it.each([
    ['rate(1 minute)', 60],
    ['rate(15 minutes)', 900],
    ['rate(2 hours)', 7200],
    ['rate(2 days)', 172_800],
  ])('size the alarms in periods of the schedule: %s is %i s', (schedule, seconds) => {
    expect(checkStackSettings({ ...DEFAULTS, schedule }).schedulePeriodSeconds).toBe(seconds);
  });

  it('refuse schedules EventBridge or the three-period alarm cannot take', () => {
    expect(problemsWith({ schedule: 'rate(1 minutes)' })).toContain('wants "rate(1 minute)"');
    expect(problemsWith({ schedule: 'rate(5 minute)' })).toContain('wants "rate(5 minutes)"');
    expect(problemsWith({ schedule: 'cron(0/5 * * * ? *)' })).toContain('rate expression');
    expect(problemsWith({ schedule: 'rate(3 days)' })).toContain("CloudWatch's limit");
    expect(problemsWith({ schedule: '' })).toContain('schedule');
  });

  it('want both Slack ids or neither', () => {
    expect(problemsWith({ slackWorkspaceId: 'T0123ABCD' })).toContain(
      'slackWorkspaceId and slackChannelId go together',
    );
    expect(problemsWith({ slackChannelId: 'C0123ABCD' })).toContain('go together');
    expect(problemsWith({ slackWorkspaceId: 't-lower', slackChannelId: 'C1' })).toContain(
      'slackWorkspaceId must be',
    );
  });

  it('refuse a retention CloudWatch Logs does not offer and a TTL that is not whole days', () => {
    expect(problemsWith({ logRetentionDays: '13' })).toContain('logRetentionDays must be one of');
    expect(problemsWith({ historyTtlDays: '1.5' })).toContain('historyTtlDays must be');
    expect(problemsWith({ historyTtlDays: '0' })).toContain('historyTtlDays must be');
    expect(problemsWith({ alertEmail: 'not-an-address' })).toContain('alertEmail must be');
  });

  it('turn the dashboard off with false, as YAML gives it or as --param passes it', () => {
    expect(checkStackSettings({ ...DEFAULTS, dashboard: false }).dashboard).toBe(false);
    expect(checkStackSettings({ ...DEFAULTS, dashboard: 'false' }).dashboard).toBe(false);
    expect(checkStackSettings({ ...DEFAULTS, dashboard: 'true' }).dashboard).toBe(true);
    for (const value of ['no', 'off', '0', '', 'TRUE']) {
      expect(problemsWith({ dashboard: value }), value).toContain(
        `dashboard must be true or false, got ${JSON.stringify(value)}`,
      );
    }
  });

  it('take a KMS key ARN for the alert topic, in the stack region when it is known', () => {
    const multiRegion =
      'arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab';
    const govCloud =
      'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    // The AWS European Sovereign Cloud: a region name that does not start with two letters.
    const sovereign =
      'arn:aws-eusc:kms:eusc-de-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    for (const [arn, region] of [
      [KEY_ARN, 'us-east-1'],
      [` ${KEY_ARN} `, 'us-east-1'],
      [multiRegion, 'us-east-1'],
      [govCloud, 'us-gov-west-1'],
      [sovereign, 'eusc-de-east-1'],
      [KEY_ARN, undefined],
    ] as const) {
      expect(
        checkStackSettings({ ...DEFAULTS, alertTopicKmsKeyArn: arn }, { region })
          .alertTopicKmsKeyArn,
      ).toBe(arn.trim());
    }
  });

  it('refuse an alias for the alert topic key, saying why', () => {
    for (const alias of [
      'arn:aws:kms:us-east-1:111122223333:alias/shared-alerts',
      'alias/aws/sns',
      'alias/shared-alerts',
    ]) {
      const message = problemsWith({ alertTopicKmsKeyArn: alias }, 'us-east-1');
      expect(message).toContain('alertTopicKmsKeyArn must be the ARN of the key itself');
      expect(message).toContain('not an alias');
      expect(message).toContain('does not grant the use of the key behind it');
    }
  });

  it('refuse anything else that is not a key ARN of the stack region', () => {
    for (const value of [
      'garbage',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:kms:us-east-1:11112222333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:kms:us-east-1:111122223333:key/not-a-key-id',
      'arn:aws:kms:us-east-1:111122223333:key/1234ABCD-12AB-34CD-56EF-1234567890AB',
      'arn:aws:sns:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      `${KEY_ARN}/extra`,
    ]) {
      expect(problemsWith({ alertTopicKmsKeyArn: value }, 'us-east-1'), value).toContain(
        'alertTopicKmsKeyArn must be empty (the stack creates a key) or a KMS key ARN',
      );
    }
    expect(problemsWith({ alertTopicKmsKeyArn: KEY_ARN }, 'eu-west-1')).toContain(
      `alertTopicKmsKeyArn ${JSON.stringify(KEY_ARN)} names a key in us-east-1, but the stack deploys to eu-west-1`,
    );
  });

  it('are the ones serverless.yml declares, each documented in the settings table of docs/deploy-and-operate.md', () => {
    const stack = parseYaml(readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8')) as {
      params: { default: Record<string, unknown> };
    };
    expect(stack.params.default).toEqual(DEFAULTS);
    expect([...SETTING_KEYS].sort()).toEqual(Object.keys(DEFAULTS).sort());
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'deploy-and-operate.md'), 'utf8');
    const tableRows = doc.split('\n').filter((line) => line.startsWith('| `'));
    for (const name of Object.keys(DEFAULTS)) {
      expect(
        tableRows.some((row) => row.split('|')[1]?.includes(`\`${name}\``)),
        name,
      ).toBe(true);
    }
  });

  it('name every problem at once', () => {
    const message = problemsWith({ schedule: 'often', logRetentionDays: 13, historyTtlDays: 0 });
    expect(message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(3);
  });
});
