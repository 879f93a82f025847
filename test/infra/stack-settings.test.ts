import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface StackSettings {
  schedule: string;
  schedulePeriodSeconds: number;
  alertEmail: string;
  slackWorkspaceId: string;
  slackChannelId: string;
  logRetentionDays: number;
  historyTtlDays: string;
}

// serverless/stack-settings.cjs is a Serverless variable source (CommonJS, no build step).
const { checkStackSettings } = createRequire(import.meta.url)(
  '../../serverless/stack-settings.cjs',
) as { checkStackSettings(raw: Record<string, unknown>): StackSettings };

// serverless.yml's params.default, as custom.parameters hands them over.
const DEFAULTS = {
  schedule: 'rate(5 minutes)',
  alertEmail: '',
  slackWorkspaceId: '',
  slackChannelId: '',
  logRetentionDays: 30,
  historyTtlDays: 90,
};

const problemsWith = (change: Record<string, unknown>): string => {
  try {
    checkStackSettings({ ...DEFAULTS, ...change });
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
    });
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

  it('name every problem at once', () => {
    const message = problemsWith({ schedule: 'often', logRetentionDays: 13, historyTtlDays: 0 });
    expect(message.split('\n').filter((line) => line.startsWith('  - '))).toHaveLength(3);
  });
});
