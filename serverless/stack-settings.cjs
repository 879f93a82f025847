'use strict';

// The stack's parameters (serverless.yml `params`, overridden with --param="name=value"),
// checked and typed once, so that a bad value stops `serverless package` with a message that
// names it instead of failing half-way through a CloudFormation deployment.
//
// serverless.yml passes them in as custom.parameters and reads the result as
// ${self:custom.settings.<name>}. This is a JS variable source, which osls and Serverless
// Framework v4 both resolve (`${file(./serverless/stack-settings.cjs)}`).

// The values CloudWatch Logs accepts for RetentionInDays (PutRetentionPolicy).
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

const UNIT_SECONDS = { minute: 60, hour: 3_600, day: 86_400 };
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;

// The "no successful run" alarm looks at three schedule periods. CloudWatch caps an alarm's
// evaluation range at one day for periods under an hour and at seven days otherwise.
const EVALUATION_PERIODS = 3;

class StackSettingsError extends Error {
  constructor(problems) {
    super(
      `serverless.yml parameters are not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'StackSettingsError';
    // Shown as is by the framework: the message is the whole story, a stack trace adds noise.
    this.stack = this.message;
  }
}

/** Seconds between two runs of an EventBridge rate() expression, or a problem. */
function schedulePeriodSeconds(schedule) {
  const match = RATE.exec(schedule);
  if (!match) {
    return {
      problem:
        `schedule must be an EventBridge rate expression such as "rate(5 minutes)", got ` +
        `${JSON.stringify(schedule)} (the alarms are sized in schedule periods, which a cron ` +
        'expression does not have)',
    };
  }
  const count = Number(match[1]);
  const unit = match[2].replace(/s$/, '');
  if (count < 1) return { problem: `schedule must run at least once, got ${schedule}` };
  // EventBridge wants the singular for 1 and the plural otherwise.
  if ((count === 1) !== !match[2].endsWith('s')) {
    const expected = count === 1 ? `rate(1 ${unit})` : `rate(${count} ${unit}s)`;
    return { problem: `schedule ${JSON.stringify(schedule)}: EventBridge wants "${expected}"` };
  }
  const seconds = count * UNIT_SECONDS[unit];
  const limit = seconds < 3_600 ? 86_400 : 604_800;
  if (seconds * EVALUATION_PERIODS > limit) {
    return {
      problem:
        `schedule ${schedule} is too slow for the "no successful run" alarm: ` +
        `${EVALUATION_PERIODS} periods of ${seconds} s exceed CloudWatch's limit of ${limit} s`,
    };
  }
  return { seconds };
}

/** Checks the raw parameter values; returns the typed settings or throws every problem at once. */
function checkStackSettings(raw) {
  const problems = [];
  const text = (name) => (raw[name] === undefined || raw[name] === null ? '' : String(raw[name]));

  const schedule = text('schedule').trim();
  const period = schedulePeriodSeconds(schedule);
  if (period.problem) problems.push(period.problem);

  const alertEmail = text('alertEmail').trim();
  if (alertEmail !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alertEmail)) {
    problems.push(
      `alertEmail must be an email address or empty, got ${JSON.stringify(alertEmail)}`,
    );
  }

  const slackWorkspaceId = text('slackWorkspaceId').trim();
  const slackChannelId = text('slackChannelId').trim();
  if ((slackWorkspaceId === '') !== (slackChannelId === '')) {
    problems.push(
      'slackWorkspaceId and slackChannelId go together: set both for a Slack channel, or neither',
    );
  }
  if (slackWorkspaceId !== '' && !/^[0-9A-Z]{1,255}$/.test(slackWorkspaceId)) {
    problems.push(
      `slackWorkspaceId must be the workspace id shown by AWS Chatbot (capitals and digits, e.g. T0123ABCD), got ${JSON.stringify(slackWorkspaceId)}`,
    );
  }
  if (slackChannelId !== '' && !/^[A-Za-z0-9]{1,256}$/.test(slackChannelId)) {
    problems.push(
      `slackChannelId must be a Slack channel id (e.g. C0123ABCD), got ${JSON.stringify(slackChannelId)}`,
    );
  }

  const logRetentionDays = Number(text('logRetentionDays'));
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    problems.push(
      `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}, got ${JSON.stringify(text('logRetentionDays'))}`,
    );
  }

  const historyTtlDays = Number(text('historyTtlDays'));
  if (!Number.isInteger(historyTtlDays) || historyTtlDays < 1) {
    problems.push(
      `historyTtlDays must be a whole number of days >= 1, got ${JSON.stringify(text('historyTtlDays'))}`,
    );
  }

  if (problems.length > 0) throw new StackSettingsError(problems);
  return {
    schedule,
    schedulePeriodSeconds: period.seconds,
    alertEmail,
    slackWorkspaceId,
    slackChannelId,
    logRetentionDays,
    // A Lambda environment value is a string.
    historyTtlDays: String(historyTtlDays),
  };
}

/** The variable source: `${file(./serverless/stack-settings.cjs)}` reads custom.parameters. */
async function resolveStackSettings({ resolveConfigurationProperty }) {
  const raw = (await resolveConfigurationProperty(['custom', 'parameters'])) ?? {};
  return checkStackSettings(raw);
}

module.exports = resolveStackSettings;
module.exports.checkStackSettings = checkStackSettings;
module.exports.schedulePeriodSeconds = schedulePeriodSeconds;
module.exports.LOG_RETENTION_DAYS = LOG_RETENTION_DAYS;
