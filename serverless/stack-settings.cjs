'use strict';

// The stack's settings, checked and typed once, so that a bad value stops `serverless package`
// with a message that names it instead of failing half-way through a CloudFormation deployment.
// Each setting comes from, first match wins: a --param="name=value" option, the stage's
// settings file stages/<stage>.yml (stage-file.cjs), serverless.yml `params.default`.
//
// serverless.yml reads the result as ${self:custom.settings.<name>}. This is a JS variable
// source, which osls and Serverless Framework v4 both resolve
// (`${file(./serverless/stack-settings.cjs)}`).

const path = require('node:path');
const { readStageFile, SETTING_KEYS } = require('./stage-file.cjs');

// The values CloudWatch Logs accepts for RetentionInDays (PutRetentionPolicy).
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

const UNIT_SECONDS = { minute: 60, hour: 3_600, day: 86_400 };

// A KMS key ARN: arn:<partition>:kms:<region>:<account>:key/<key id>, the id a UUID, or mrk-
// and 32 hex digits for a multi-Region key (AWS KMS Developer Guide, "Key identifiers").
const KMS_KEY_ARN =
  /^arn:aws(-[a-z]+)*:kms:([a-z]+(-[a-z]+)+-\d+):(\d{12}):key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
const KMS_ALIAS_ARN = /^arn:aws(-[a-z]+)*:kms:[^:]*:[^:]*:alias\//;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;

// The "no successful run" alarm looks at three schedule periods. CloudWatch caps an alarm's
// evaluation range at one day for periods under an hour and at seven days otherwise.
const EVALUATION_PERIODS = 3;

// Where the stack goes when neither --region nor the stage file says.
const DEFAULT_REGION = 'us-east-1';
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

class StackSettingsError extends Error {
  constructor(problems) {
    super(`The stack settings are not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
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

/**
 * The problem with an alertTopicKmsKeyArn value, or undefined when it is empty (the stack makes
 * a key of its own) or a key ARN usable in `region` (the stack's; unknown: not compared).
 */
function alertTopicKmsKeyArnProblem(arn, region) {
  if (arn === '') return undefined;
  const shape = 'arn:aws:kms:<region>:<12-digit account>:key/<key id>';
  if (KMS_ALIAS_ARN.test(arn) || arn.startsWith('alias/')) {
    return (
      `alertTopicKmsKeyArn must be the ARN of the key itself (${shape}), not an alias, got ` +
      `${JSON.stringify(arn)}: the function's IAM statement for kms:GenerateDataKey and ` +
      'kms:Decrypt must name the key, and an alias ARN in it does not grant the use of the key ' +
      'behind it. `aws kms describe-key --key-id <alias>` prints the key ARN (KeyMetadata.Arn)'
    );
  }
  const match = KMS_KEY_ARN.exec(arn);
  if (!match) {
    return (
      `alertTopicKmsKeyArn must be empty (the stack creates a key) or a KMS key ARN, ${shape}, ` +
      `the key id a UUID or mrk-<32 hex digits>, got ${JSON.stringify(arn)}`
    );
  }
  if (region !== undefined && match[2] !== region) {
    return (
      `alertTopicKmsKeyArn ${JSON.stringify(arn)} names a key in ${match[2]}, but the stack ` +
      `deploys to ${region}: ` +
      'SNS encrypts a topic with a KMS key of its own region (for a multi-Region key, give the ' +
      `ARN of its replica in ${region})`
    );
  }
  return undefined;
}

/**
 * Checks the raw parameter values; returns the typed settings or throws every problem at once.
 * `context.region`, the stack's region, is compared with the region of alertTopicKmsKeyArn.
 */
function checkStackSettings(raw, context = {}, earlierProblems = []) {
  const problems = [...earlierProblems];
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

  const alertTopicKmsKeyArn = text('alertTopicKmsKeyArn').trim();
  const keyProblem = alertTopicKmsKeyArnProblem(alertTopicKmsKeyArn, context.region);
  if (keyProblem) problems.push(keyProblem);

  // A YAML default arrives as a boolean, a --param value as a string.
  const dashboard = text('dashboard').trim();
  if (dashboard !== 'true' && dashboard !== 'false') {
    problems.push(`dashboard must be true or false, got ${JSON.stringify(dashboard)}`);
  }

  // A bus of the stack's account and region, by name: `default` is the account's default bus.
  const eventBusName = text('eventBusName').trim();
  if (eventBusName !== '' && !/^[.\-_A-Za-z0-9]{1,256}$/.test(eventBusName)) {
    problems.push(
      `eventBusName must be the name of an EventBridge bus in the stack's account and region (default for the account's default bus), or empty for none, got ${JSON.stringify(eventBusName)}`,
    );
  }

  // Lambda's MaximumConcurrency of an SQS event source: 2 to 1000 (organization mode only).
  // Stage files written before organization mode do not name it: the params.default value.
  const concurrencyText = text('workerMaximumConcurrency').trim();
  const workerMaximumConcurrency = Number(concurrencyText === '' ? 10 : concurrencyText);
  if (
    !Number.isInteger(workerMaximumConcurrency) ||
    workerMaximumConcurrency < 2 ||
    workerMaximumConcurrency > 1000
  ) {
    problems.push(
      `workerMaximumConcurrency must be a whole number from 2 to 1000, got ${JSON.stringify(text('workerMaximumConcurrency'))}`,
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
    alertTopicKmsKeyArn,
    dashboard: dashboard === 'true',
    workerMaximumConcurrency,
    eventBusName,
    eventBusResources: eventBusResources(eventBusName),
  };
}

/**
 * The `resources` fragment that lets the function put events on the eventBusName bus of the
 * stack's account and region, and nothing else; nothing at all when no bus is set.
 */
function eventBusResources(eventBusName) {
  if (eventBusName === '') return {};
  return {
    Resources: {
      PutEventsPolicy: {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'put-events-to-bus',
          Roles: [{ Ref: 'IamRoleLambdaExecution' }],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'SendEventsToBus',
                Effect: 'Allow',
                Action: ['events:PutEvents'],
                Resource: [
                  {
                    'Fn::Sub': `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/${eventBusName}`,
                  },
                ],
              },
            ],
          },
        },
      },
    },
  };
}

/** The --param="name=value" options, as a map (the framework checked their shape). */
function cliParams(param) {
  const list = param === undefined || param === null ? [] : [param].flat();
  const values = {};
  for (const item of list) {
    const match = /^([^=]+)=(.+)$/.exec(String(item));
    if (match) values[match[1]] = match[2].trimEnd();
  }
  return values;
}

function pick(values, keys) {
  return Object.fromEntries(
    keys.filter((key) => values[key] !== undefined).map((k) => [k, values[k]]),
  );
}

/**
 * The settings of `stage` from its three sources; throws every problem at once. The result
 * also says where they came from, for the deploy guard (deploy-guard.cjs).
 */
function resolveSettings({ serviceDir, stage, regionOption, params, defaults }) {
  const stageFile = readStageFile(serviceDir, stage);
  const problems = [...stageFile.problems];
  const fileRegion =
    stageFile.values.region === undefined ? undefined : String(stageFile.values.region);
  if (regionOption && fileRegion && regionOption !== fileRegion) {
    problems.push(
      `--region ${regionOption} and ${stageFile.file} (region: ${fileRegion}) disagree: leave --region out, or change the file`,
    );
  }
  const region = regionOption || fileRegion || DEFAULT_REGION;
  if (!REGION.test(region))
    problems.push(`region must be an AWS region such as eu-west-1, got ${JSON.stringify(region)}`);
  const fromParams = pick(cliParams(params), SETTING_KEYS);
  const raw = { ...defaults, ...pick(stageFile.values, SETTING_KEYS), ...fromParams };
  const settings = checkStackSettings(raw, { region }, problems);
  return {
    ...settings,
    region,
    stageFile: stageFile.file,
    stageFileFound: stageFile.found,
    stageFileRegion: fileRegion ?? '',
    // The subscriptions the file itself makes: the deploy guard's business, not --param's.
    stageFileSubscribes: ['alertEmail', 'slackChannelId'].some(
      (key) => String(stageFile.values[key] ?? '').trim() !== '',
    ),
    allowDroppingSubscriptions: stageFile.values.allowDroppingSubscriptions === true,
    settingsFromParams: Object.keys(fromParams),
  };
}

/**
 * The variable source: `${file(./serverless/stack-settings.cjs)}`. It reads the stage, the
 * --region and --param options, and params.default; provider.region reads its result.
 */
async function resolveStackSettings({ options, resolveConfigurationProperty }) {
  const stage = (await resolveConfigurationProperty(['provider', 'stage'])) ?? 'dev';
  return resolveSettings({
    serviceDir: path.join(__dirname, '..'),
    stage: String(stage),
    regionOption: options?.region ? String(options.region) : undefined,
    params: options?.param,
    defaults: (await resolveConfigurationProperty(['params', 'default'])) ?? {},
  });
}

module.exports = resolveStackSettings;
module.exports.checkStackSettings = checkStackSettings;
module.exports.resolveSettings = resolveSettings;
module.exports.schedulePeriodSeconds = schedulePeriodSeconds;
module.exports.LOG_RETENTION_DAYS = LOG_RETENTION_DAYS;
