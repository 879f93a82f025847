import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC } from '../../src/lambda/run-telemetry.ts';
import { DYNAMODB_STATE_STORE_ACTIONS } from '../../src/state/dynamodb-state-store.ts';
import {
  STATE_TABLE_ATTRIBUTE_DEFINITIONS,
  STATE_TABLE_BILLING_MODE,
  STATE_TABLE_KEY_SCHEMA,
  STATE_TABLE_TTL_ATTRIBUTE,
} from '../../src/state/dynamodb-table.ts';
import {
  type DashboardWidget,
  dashboardBodyText,
  loadHistoryQueries,
  queryLogicalId,
  substitute,
  widgetQuery,
} from '../support/history-resources.ts';
import { runtimeRemainingMs } from '../support/lambda-context.ts';
import { LambdaTestBed } from '../support/lambda-test-bed.ts';
import { CfnSchemaValidator } from './support/cfn-schema-validator.ts';
import {
  asList,
  type CfnTemplate,
  conditionHolds,
  createdResources,
  iamStatements,
  readTemplate,
  referencedLogicalIds,
  resolveConditions,
  resource,
  resourcePolicyStatements,
  resourcesOfType,
} from './support/cfn-template.ts';
import {
  type PackageRun,
  packagedStack,
  REPO_ROOT,
  removeDirectory,
} from './support/serverless-package.ts';
import { readZipEntries, type ZipEntry } from './support/zip-archive.ts';

// The stack packaged with the defaults, every parameter set with verified models, a broken
// config/watched-models.yml, a shared KMS key for the topic (alertTopicKmsKeyArn), and three
// unusable values of that parameter: each once per test run (packagedStack).
const CONFIGURED_PARAMS = {
  schedule: 'rate(10 minutes)',
  alertEmail: 'ops@example.com',
  slackWorkspaceId: 'T0123ABCD',
  slackChannelId: 'C0123ABCD',
  logRetentionDays: '14',
  historyTtlDays: '30',
  dashboard: 'false',
  eventBusName: 'ops-events',
};
// A key in the stack's region (us-east-1, the default), as `aws kms describe-key` prints it.
const SHARED_KEY_ARN =
  'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const BAD_KEY_ARNS = {
  alias: 'arn:aws:kms:us-east-1:111122223333:alias/shared-alerts',
  garbage: 'my-key',
  otherRegion: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
};
const BROKEN_CONFIG = 'regions: [us-east-1]\nmodels:\n  - id: 42\n';
const VERIFIED_CONFIG = `regions: [us-east-1, us-west-2]
models:
  - id: anthropic.claude-sonnet-4-5-20250929-v1:0
    verify: { inferenceProfile: us.anthropic.claude-sonnet-4-5-20250929-v1:0 }
  - id: amazon.nova-pro-v1:0
    regions: [us-east-1]
    verify: true
  - id: meta.llama3-8b-instruct-v1:0
`;
// The ARN of this account's alarms in this region, as the template writes it (Fn::Sub).
// biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
const ALARM_ARN_PREFIX = 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:';

let defaults: PackageRun;
let configured: PackageRun;
let broken: PackageRun;
let sharedKey: PackageRun;
let badKeys: Record<keyof typeof BAD_KEY_ARNS, PackageRun>;
let template: CfnTemplate;
let configuredTemplate: CfnTemplate;
let sharedKeyTemplate: CfnTemplate;

beforeAll(async () => {
  let alias: PackageRun;
  let garbage: PackageRun;
  let otherRegion: PackageRun;
  [defaults, configured, broken, sharedKey, alias, garbage, otherRegion] = await Promise.all([
    packagedStack(),
    packagedStack({ params: CONFIGURED_PARAMS, watchedModels: VERIFIED_CONFIG }),
    packagedStack({ watchedModels: BROKEN_CONFIG }),
    packagedStack({ params: { alertTopicKmsKeyArn: SHARED_KEY_ARN } }),
    packagedStack({ params: { alertTopicKmsKeyArn: BAD_KEY_ARNS.alias } }),
    packagedStack({ params: { alertTopicKmsKeyArn: BAD_KEY_ARNS.garbage } }),
    packagedStack({ params: { alertTopicKmsKeyArn: BAD_KEY_ARNS.otherRegion } }),
  ]);
  badKeys = { alias, garbage, otherRegion };
  for (const run of [defaults, configured, sharedKey]) {
    if (run.code !== 0) throw new Error(`serverless package failed:\n${run.output}`);
  }
  template = readTemplate(defaults.outDir);
  configuredTemplate = readTemplate(configured.outDir);
  sharedKeyTemplate = readTemplate(sharedKey.outDir);
}, 180_000);

const props = (t: CfnTemplate, logicalId: string) => resource(t, logicalId).Properties ?? {};

describe('the function', () => {
  it('runs handlers/monitor.handler on nodejs24.x, arm64, 256 MB, with a 120 s timeout', () => {
    expect(props(template, 'MonitorLambdaFunction')).toMatchObject({
      Handler: 'handlers/monitor.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 120,
    });
  });

  it('gets the table, the topic, the history TTL and the Powertools settings from its environment', () => {
    const variables = (
      props(template, 'MonitorLambdaFunction').Environment as { Variables: object }
    ).Variables;
    expect(variables).toEqual({
      STATE_TABLE_NAME: { Ref: 'StateTable' },
      ALERT_TOPIC_ARN: { Ref: 'AlertTopic' },
      HISTORY_TTL_DAYS: '90',
      // No eventBusName: the condition is false and the variable is left out.
      EVENT_BUS_NAME: { 'Fn::If': ['SendToEventBus', '', { Ref: 'AWS::NoValue' }] },
      POWERTOOLS_SERVICE_NAME: 'bedrock-access-monitor-dev',
      POWERTOOLS_METRICS_NAMESPACE: 'BedrockAccessMonitor',
    });
    const configuredVariables = (
      props(configuredTemplate, 'MonitorLambdaFunction').Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(configuredVariables.HISTORY_TTL_DAYS).toBe('30');
  });

  it('leaves the Powertools namespace and service to the environment the alarms read back', () => {
    // The handler names neither, so the per-stage values in the function's environment rule.
    const handlerSource = readFileSync(join(REPO_ROOT, 'handlers', 'monitor.ts'), 'utf8');
    expect(handlerSource).not.toMatch(/serviceName:|namespace:/);
    const variables = (
      props(template, 'MonitorLambdaFunction').Environment as { Variables: Record<string, string> }
    ).Variables;
    for (const [, alarm] of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
      const properties = alarm.Properties as {
        Namespace?: string;
        Dimensions?: Array<{ Name: string; Value: unknown }>;
      };
      if (properties.Namespace !== variables.POWERTOOLS_METRICS_NAMESPACE) continue;
      expect(properties.Dimensions).toEqual([
        { Name: 'service', Value: variables.POWERTOOLS_SERVICE_NAME },
      ]);
    }
  });

  it('runs on an EventBridge schedule, every 5 minutes unless the schedule parameter says otherwise', () => {
    const [[, rule] = []] = resourcesOfType(template, 'AWS::Events::Rule');
    expect(rule?.Properties).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [{ Arn: { 'Fn::GetAtt': ['MonitorLambdaFunction', 'Arn'] } }],
    });
    const [[, configuredRule] = []] = resourcesOfType(configuredTemplate, 'AWS::Events::Rule');
    expect(configuredRule?.Properties?.ScheduleExpression).toBe('rate(10 minutes)');
  });

  it('is not retried by EventBridge: the next scheduled run is the retry', () => {
    const [[, config] = []] = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig');
    expect(config?.Properties).toMatchObject({
      FunctionName: { Ref: 'MonitorLambdaFunction' },
      MaximumRetryAttempts: 0,
    });
  });

  it('logs to a log group kept for the logRetentionDays parameter (30 days by default)', () => {
    expect(props(template, 'MonitorLogGroup')).toEqual({
      LogGroupName: '/aws/lambda/bedrock-access-monitor-dev-monitor',
      RetentionInDays: 30,
    });
    expect(props(configuredTemplate, 'MonitorLogGroup').RetentionInDays).toBe(14);
  });
});

describe('the state table', () => {
  it('has the key schema, billing and TTL attribute of src/state/dynamodb-table.ts', () => {
    expect(props(template, 'StateTable')).toMatchObject({
      BillingMode: STATE_TABLE_BILLING_MODE,
      KeySchema: STATE_TABLE_KEY_SCHEMA,
      AttributeDefinitions: STATE_TABLE_ATTRIBUTE_DEFINITIONS,
      TimeToLiveSpecification: { AttributeName: STATE_TABLE_TTL_ATTRIBUTE, Enabled: true },
    });
    expect(STATE_TABLE_BILLING_MODE).toBe('PAY_PER_REQUEST');
  });

  it('keeps point-in-time recovery and server-side encryption on', () => {
    expect(props(template, 'StateTable')).toMatchObject({
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });
});

describe('the alert topic', () => {
  it('is encrypted with a key of its own, rotated yearly, behind an alias', () => {
    expect(conditionHolds(template, 'CreateAlertTopicKey')).toBe(true);
    const created = createdResources(template).map(([id]) => id);
    expect(created).toEqual(expect.arrayContaining(['AlertTopicKey', 'AlertTopicKeyAlias']));
    expect(resolveConditions(template, props(template, 'AlertTopic').KmsMasterKeyId)).toEqual({
      'Fn::GetAtt': ['AlertTopicKey', 'Arn'],
    });
    expect(props(template, 'AlertTopicKey')).toMatchObject({
      EnableKeyRotation: true,
      KeySpec: 'SYMMETRIC_DEFAULT',
      KeyUsage: 'ENCRYPT_DECRYPT',
    });
    expect(props(template, 'AlertTopicKeyAlias')).toEqual({
      AliasName: 'alias/bedrock-access-monitor-dev-alerts',
      TargetKeyId: { Ref: 'AlertTopicKey' },
    });
  });

  it('lets the account administer the key and CloudWatch alarms of this account use it', () => {
    const policy = props(template, 'AlertTopicKey').KeyPolicy as { Statement: unknown[] };
    expect(policy.Statement).toEqual([
      {
        Sid: 'AccountAdministersKey',
        Effect: 'Allow',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
        Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'CloudWatchAlarmsPublishToTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('refuses publishing without TLS and lets CloudWatch alarms of this account publish', () => {
    const policy = props(template, 'AlertTopicPolicy');
    expect(policy.Topics).toEqual([{ Ref: 'AlertTopic' }]);
    const statements = (policy.PolicyDocument as { Statement: unknown[] }).Statement;
    expect(statements).toContainEqual({
      Sid: 'DenyPublishWithoutTls',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: { Ref: 'AlertTopic' },
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(statements).toContainEqual({
      Sid: 'AllowAccountAlarmsToPublish',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: { Ref: 'AlertTopic' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: {
          'aws:SourceArn': {
            'Fn::Sub': `${ALARM_ARN_PREFIX}*`,
          },
        },
      },
    });
  });

  it('subscribes the alertEmail address only when the parameter is set', () => {
    const subscription = resource(template, 'AlertEmailSubscription');
    expect(subscription.Condition).toBe('HasAlertEmail');
    expect(conditionHolds(template, 'HasAlertEmail')).toBe(false);

    expect(conditionHolds(configuredTemplate, 'HasAlertEmail')).toBe(true);
    expect(props(configuredTemplate, 'AlertEmailSubscription')).toEqual({
      TopicArn: { Ref: 'AlertTopic' },
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});

describe('the alert topic with a shared key (alertTopicKmsKeyArn)', () => {
  const kmsStatements = (t: CfnTemplate) =>
    iamStatements(t).filter(({ statement }) =>
      asList(statement.Action).some((action) => action.startsWith('kms:')),
    );

  it('creates no KMS key and no alias', () => {
    expect(conditionHolds(sharedKeyTemplate, 'CreateAlertTopicKey')).toBe(false);
    const createdTypes = createdResources(sharedKeyTemplate).map(([, r]) => r.Type);
    expect(createdTypes).not.toContain('AWS::KMS::Key');
    expect(createdTypes).not.toContain('AWS::KMS::Alias');
    // Both stay in the template behind the condition, which the defaults turn on.
    for (const t of [template, sharedKeyTemplate]) {
      for (const [id] of [
        ...resourcesOfType(t, 'AWS::KMS::Key'),
        ...resourcesOfType(t, 'AWS::KMS::Alias'),
      ]) {
        expect(resource(t, id).Condition, id).toBe('CreateAlertTopicKey');
      }
    }
  });

  it('encrypts the topic with exactly that key', () => {
    const keyId = props(sharedKeyTemplate, 'AlertTopic').KmsMasterKeyId;
    expect(resolveConditions(sharedKeyTemplate, keyId)).toBe(SHARED_KEY_ARN);
  });

  it('lets the function use exactly that key, and no other', () => {
    const statements = kmsStatements(sharedKeyTemplate);
    expect(statements.map(({ owner }) => owner)).toEqual(['IamRoleLambdaExecution']);
    expect(resolveConditions(sharedKeyTemplate, statements[0]?.statement)).toEqual({
      Sid: 'EncryptAlerts',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: [SHARED_KEY_ARN],
    });
  });

  it('names exactly one key in the function role in both modes (least privilege)', () => {
    for (const [t, key] of [
      [template, { 'Fn::GetAtt': ['AlertTopicKey', 'Arn'] }],
      [sharedKeyTemplate, SHARED_KEY_ARN],
    ] as const) {
      const statements = kmsStatements(t).map(({ statement }) => resolveConditions(t, statement));
      expect(statements).toHaveLength(1);
      expect((statements[0] as { Resource: unknown }).Resource).toEqual([key]);
    }
  });

  it('leaves the rest of the stack as it is: topic policy, alarms, subscriptions', () => {
    const withoutKey = (t: CfnTemplate) =>
      createdResources(t)
        .map(([id, r]) => [id, r.Type])
        .filter(([, type]) => !type?.startsWith('AWS::KMS::'));
    expect(withoutKey(sharedKeyTemplate)).toEqual(withoutKey(template));
    expect(props(sharedKeyTemplate, 'AlertTopicPolicy')).toEqual(
      props(template, 'AlertTopicPolicy'),
    );
    for (const [id] of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
      expect(props(sharedKeyTemplate, id), id).toEqual(props(template, id));
    }
  });

  it.each([
    ['the defaults', () => template],
    ['all parameters set', () => configuredTemplate],
    ['a shared key', () => sharedKeyTemplate],
  ])('refers, with %s, only to resources CloudFormation creates', (_name, get) => {
    const t = get();
    const created = new Set(createdResources(t).map(([id]) => id));
    const dangling = createdResources(t).flatMap(([id, r]) =>
      [...referencedLogicalIds(resolveConditions(t, r.Properties)), ...asList(r.DependsOn)]
        .filter((target) => !created.has(target))
        .map((target) => `${id} -> ${target}`),
    );
    for (const [name, output] of Object.entries(t.Outputs ?? {})) {
      for (const target of referencedLogicalIds(resolveConditions(t, output.Value))) {
        if (!created.has(target)) dangling.push(`Outputs.${name} -> ${target}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it.each([
    [
      'an alias ARN',
      'alias',
      /alertTopicKmsKeyArn must be the ARN of the key itself.*not an alias/,
    ],
    [
      'garbage',
      'garbage',
      /alertTopicKmsKeyArn must be empty \(the stack creates a key\) or a KMS key ARN/,
    ],
    [
      'a key in another region',
      'otherRegion',
      /alertTopicKmsKeyArn ".+" names a key in eu-west-1, but the stack deploys to us-east-1/,
    ],
  ] as const)('stops packaging, naming the parameter, for %s', (_name, which, message) => {
    const run = badKeys[which];
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('The stack settings are not usable');
    expect(run.output).toMatch(message);
    expect(run.output).toContain(JSON.stringify(BAD_KEY_ARNS[which]));
    expect(existsSync(run.outDir) ? readdirSync(run.outDir) : []).toEqual([]);
  });

  it('says why an alias ARN cannot be used', () => {
    expect(badKeys.alias.output).toContain(
      'an alias ARN in it does not grant the use of the key behind it',
    );
  });
});

describe('the stack outputs', () => {
  it('name the table (for the CLI), the topic (for subscribers) and the log group', () => {
    expect(template.Outputs).toMatchObject({
      StateTableName: { Value: { Ref: 'StateTable' } },
      AlertTopicArn: { Value: { Ref: 'AlertTopic' } },
      MonitorLogGroupName: { Value: { Ref: 'MonitorLogGroup' } },
    });
    expect(props(template, 'StateTable').TableName).toBe('bedrock-access-monitor-dev-state');
    expect(props(template, 'AlertTopic').TopicName).toBe('bedrock-access-monitor-dev-alerts');
  });
});

describe('the Slack channel (AWS Chatbot)', () => {
  const chatbotResources = ['SlackChannel', 'ChatbotChannelRole', 'ChatbotChannelPolicy'];

  it('exists only when both slackWorkspaceId and slackChannelId are set', () => {
    for (const id of chatbotResources) {
      expect(resource(template, id).Condition, id).toBe('HasSlackChannel');
    }
    expect(conditionHolds(template, 'HasSlackChannel')).toBe(false);
    expect(conditionHolds(configuredTemplate, 'HasSlackChannel')).toBe(true);
  });

  it('is subscribed to the alert topic', () => {
    expect(props(configuredTemplate, 'SlackChannel')).toMatchObject({
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [{ Ref: 'AlertTopic' }],
      IamRoleArn: { 'Fn::GetAtt': ['ChatbotChannelRole', 'Arn'] },
    });
  });

  it('is limited by a guardrail to what its role may do: read this stack alarms', () => {
    // Without GuardrailPolicies, AWS Chatbot applies AdministratorAccess to the channel.
    expect(props(configuredTemplate, 'SlackChannel').GuardrailPolicies).toEqual([
      { Ref: 'ChatbotChannelPolicy' },
    ]);
    expect(props(configuredTemplate, 'ChatbotChannelRole')).toMatchObject({
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'chatbot.amazonaws.com' },
            Action: 'sts:AssumeRole',
          },
        ],
      },
      ManagedPolicyArns: [{ Ref: 'ChatbotChannelPolicy' }],
    });
    const statements = (
      props(configuredTemplate, 'ChatbotChannelPolicy').PolicyDocument as { Statement: unknown[] }
    ).Statement;
    expect(statements).toEqual([
      {
        Sid: 'DescribeThisStacksAlarms',
        Effect: 'Allow',
        Action: ['cloudwatch:DescribeAlarms'],
        Resource: {
          'Fn::Sub': `${ALARM_ARN_PREFIX}bedrock-access-monitor-dev-*`,
        },
      },
      {
        Sid: 'DrawAlarmGraphs',
        Effect: 'Allow',
        Action: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricWidgetImage'],
        Resource: '*',
      },
    ]);
  });
});

describe('the grant history queries and the dashboard (serverless/history-queries.yml)', () => {
  const queries = loadHistoryQueries();

  it('save each query on the function log group, in the folder of the stage', () => {
    const saved = resourcesOfType(template, 'AWS::Logs::QueryDefinition')
      .map(([id, r]) => [id, r.Properties])
      .sort();

    expect(saved).toEqual(
      queries
        .map((query) => [
          queryLogicalId(query),
          {
            Name: `bedrock-access-monitor/dev/${query.name}`,
            LogGroupNames: [{ Ref: 'MonitorLogGroup' }],
            QueryString: query.query,
          },
        ])
        .sort(),
    );
    expect(queries.map((query) => query.name)).toEqual([
      'Current state per account, model and region',
      'Grant history',
      'Requests and how long they took',
      'Revocations and failed grants',
      'Checks that keep failing, by cause',
    ]);
  });

  it('build the dashboard by default, named for the stage and the region, and none with dashboard=false', () => {
    expect(resource(template, 'MonitorDashboard').Properties?.DashboardName).toEqual({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
      'Fn::Sub': 'bedrock-access-monitor-dev-${AWS::Region}',
    });
    expect(resourcesOfType(configuredTemplate, 'AWS::CloudWatch::Dashboard')).toEqual([]);
    expect(resourcesOfType(configuredTemplate, 'AWS::Logs::QueryDefinition')).toHaveLength(
      queries.length,
    );
  });

  it('lay out a dashboard body of valid JSON whose Logs Insights widgets run the saved queries on the function log group', () => {
    const text = dashboardBodyText(template.Resources);
    const logGroup = props(template, 'MonitorLogGroup').LogGroupName as string;
    const functionName = props(template, 'MonitorLambdaFunction').FunctionName as string;
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm');
    const values: Record<string, string> = {
      MonitorLogGroup: logGroup,
      MonitorLambdaFunction: functionName,
      'AWS::Region': 'us-east-1',
    };
    for (const [id, alarm] of alarms) {
      values[`${id}.Arn`] =
        `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarm.Properties?.AlarmName}`;
    }

    const { widgets } = JSON.parse(substitute(text, values)) as { widgets: DashboardWidget[] };

    for (const id of referencedLogicalIds({ 'Fn::Sub': text })) {
      expect(template.Resources, id).toHaveProperty(id);
    }
    expect(logGroup).toBe('/aws/lambda/bedrock-access-monitor-dev-monitor');
    const logWidgets = widgets.filter((widget) => widget.type === 'log');
    expect(logWidgets.map((widget) => widgetQuery(widget))).toEqual(
      ['currentstate', 'failingchecks', 'granthistory'].map((id) => ({
        logGroup,
        query: queries.find((query) => query.id === id)?.query,
      })),
    );
    for (const widget of logWidgets) {
      expect(widget.properties).toMatchObject({ region: 'us-east-1', view: 'table' });
    }
    // The alarms' states: every alarm of the stack, by ARN.
    expect(widgets.find((widget) => widget.type === 'alarm')?.properties.alarms).toEqual(
      alarms.map(([id]) => values[`${id}.Arn`]),
    );
    // The runs and their duration, per schedule period.
    const runs = widgets.find((widget) => widget.type === 'metric')?.properties;
    expect(runs).toMatchObject({ region: 'us-east-1', period: 300 });
    expect(((runs?.metrics ?? []) as unknown[][]).map((metric) => metric.slice(0, 4))).toEqual(
      ['Invocations', 'Errors', 'Duration', 'Duration'].map((name) => [
        'AWS/Lambda',
        name,
        'FunctionName',
        functionName,
      ]),
    );
    // Within the 24 columns of a dashboard, no two widgets on the same cells.
    for (const [index, a] of widgets.entries()) {
      expect(a.x >= 0 && a.width >= 1 && a.height >= 1 && a.x + a.width <= 24).toBe(true);
      for (const b of widgets.slice(index + 1)) {
        const apart =
          a.x + a.width <= b.x ||
          b.x + b.width <= a.x ||
          a.y + a.height <= b.y ||
          b.y + b.height <= a.y;
        expect(apart, `${a.type} at ${a.x},${a.y} and ${b.type} at ${b.x},${b.y}`).toBe(true);
      }
    }
  });

  it('point the failed-checks alarm at the saved query that shows which checks fail and why', () => {
    const failing = queries.find((query) => query.id === 'failingchecks')?.name as string;

    expect(props(template, 'CheckFailuresAlarm').AlarmDescription).toContain(`"${failing}"`);
  });
});

describe('the alarms', () => {
  const alarm = (t: CfnTemplate, id: string) => props(t, id);

  it('alarm on any function error within five minutes', () => {
    expect(alarm(template, 'FunctionErrorsAlarm')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'MonitorLambdaFunction' } }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlertTopic' }],
      OKActions: [{ Ref: 'AlertTopic' }],
    });
  });

  it("alarm when no run succeeded in three schedule periods, from Lambda's own metrics, missing data included", () => {
    const lambdaMetric = (name: string, period: number) => ({
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName: name,
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'MonitorLambdaFunction' } }],
        },
        Period: period,
        Stat: 'Sum',
      },
      ReturnData: false,
    });
    const expected = (period: number) => ({
      // Successful runs: invocations that did not end in an error (a timeout is one).
      Metrics: [
        { Id: 'invocations', ...lambdaMetric('Invocations', period) },
        { Id: 'errors', ...lambdaMetric('Errors', period) },
        {
          Id: 'successfulRuns',
          Label: 'Successful runs',
          Expression: 'FILL(invocations, 0) - FILL(errors, 0)',
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: 'AlertTopic' }],
      OKActions: [{ Ref: 'AlertTopic' }],
    });
    for (const t of [template, configuredTemplate]) {
      // No custom metric: nothing the function sends, so nothing billed for it.
      expect(alarm(t, 'NoSuccessfulRunAlarm')).not.toHaveProperty('Namespace');
      expect(alarm(t, 'NoSuccessfulRunAlarm')).not.toHaveProperty('MetricName');
    }
    expect(alarm(template, 'NoSuccessfulRunAlarm')).toMatchObject(expected(300));
    expect(alarm(configuredTemplate, 'NoSuccessfulRunAlarm')).toMatchObject(expected(600));
  });

  it('alarm when checks fail in three consecutive schedule periods', () => {
    const expected = {
      Namespace: 'BedrockAccessMonitor',
      MetricName: METRIC.checkFailures,
      Dimensions: [{ Name: 'service', Value: 'bedrock-access-monitor-dev' }],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlertTopic' }],
      OKActions: [{ Ref: 'AlertTopic' }],
    };
    expect(alarm(template, 'CheckFailuresAlarm')).toMatchObject(expected);
    expect(alarm(configuredTemplate, 'CheckFailuresAlarm')).toMatchObject({
      ...expected,
      Period: 600,
    });
  });

  it('read the metrics where the function publishes them', () => {
    const environment = (
      props(template, 'MonitorLambdaFunction').Environment as { Variables: Record<string, string> }
    ).Variables;
    expect(alarm(template, 'CheckFailuresAlarm').Namespace).toBe(
      environment.POWERTOOLS_METRICS_NAMESPACE,
    );
    expect(alarm(template, 'CheckFailuresAlarm').Dimensions).toEqual([
      { Name: 'service', Value: environment.POWERTOOLS_SERVICE_NAME },
    ]);
    expect(Object.values(METRIC)).toContain(alarm(template, 'CheckFailuresAlarm').MetricName);
  });
});

// Actions the Service Authorization Reference lists with no resource type: an IAM policy can
// only grant them on "*". Every other action must name its resources.
const ACTIONS_WITHOUT_RESOURCE_TYPES: Record<string, string> = {
  // Amazon Bedrock, Actions table: GetFoundationModelAvailability has no resource type. It is
  // the monitor's one Bedrock call (src/bedrock/availability-source.ts).
  'bedrock:GetFoundationModelAvailability': 'monitor function',
  // Neither has ListFoundationModels: one call per watched region and run, for lifecycle
  // warnings and unknown ids (src/catalog/catalog-source.ts).
  'bedrock:ListFoundationModels': 'monitor function',
  // Amazon CloudWatch, Actions table: neither has a resource type. AWS Chatbot draws alarm
  // graphs with them in the Slack channel.
  'cloudwatch:GetMetricData': 'Slack channel role',
  'cloudwatch:GetMetricWidgetImage': 'Slack channel role',
};

describe('IAM', () => {
  const functionStatements = () => {
    const role = props(template, 'IamRoleLambdaExecution');
    const [policy] = role.Policies as { PolicyDocument: { Statement: unknown[] } }[];
    return policy?.PolicyDocument.Statement ?? [];
  };

  it('grants the function exactly the actions the code uses, each on its own resource', () => {
    expect(functionStatements()).toEqual(
      expect.arrayContaining([
        {
          Sid: 'ReadModelAccessGrants',
          Effect: 'Allow',
          Action: ['bedrock:GetFoundationModelAvailability', 'bedrock:ListFoundationModels'],
          Resource: '*',
        },
        {
          Sid: 'UseStateTable',
          Effect: 'Allow',
          Action: [...DYNAMODB_STATE_STORE_ACTIONS],
          Resource: [{ 'Fn::GetAtt': ['StateTable', 'Arn'] }],
        },
        {
          Sid: 'PublishAlerts',
          Effect: 'Allow',
          Action: ['sns:Publish'],
          Resource: [{ Ref: 'AlertTopic' }],
        },
        {
          Sid: 'EncryptAlerts',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: [
            {
              'Fn::If': [
                'CreateAlertTopicKey',
                { 'Fn::GetAtt': ['AlertTopicKey', 'Arn'] },
                // The shared key's ARN, empty by default; the condition picks the stack's key.
                '',
              ],
            },
          ],
        },
      ]),
    );
  });

  it('lets the function write only to its own log group', () => {
    const logStatements = (
      functionStatements() as { Action: string[]; Resource: unknown }[]
    ).filter((s) => s.Action.some((a) => a.startsWith('logs:')));
    expect(logStatements.length).toBeGreaterThan(0);
    for (const statement of logStatements) {
      expect(JSON.stringify(statement.Resource)).toContain(
        ':log-group:/aws/lambda/bedrock-access-monitor-dev',
      );
    }
    expect(functionStatements()).toHaveLength(logStatements.length + 4);
  });

  it('has no wildcard action in any role or policy statement', () => {
    const statements = iamStatements(configuredTemplate);
    expect(statements.length).toBeGreaterThan(5);
    const wildcards = statements.flatMap(({ owner, statement }) =>
      [...asList(statement.Action), ...asList(statement.NotAction)]
        .filter((action) => action.includes('*'))
        .map((action) => `${owner}: ${action}`),
    );
    expect(wildcards).toEqual([]);
  });

  it('grants on Resource "*" only actions that have no resource type', () => {
    const onEverything = iamStatements(configuredTemplate)
      .filter(({ statement }) => asList(statement.Resource).includes('*'))
      .flatMap(({ statement }) => asList(statement.Action));
    expect(onEverything.length).toBeGreaterThan(0);
    for (const action of onEverything) {
      expect(Object.keys(ACTIONS_WITHOUT_RESOURCE_TYPES), action).toContain(action);
    }
  });

  it('allows wildcard actions in resource policies only where AWS documents them', () => {
    const allowedWildcards = resourcePolicyStatements(configuredTemplate)
      .filter(({ statement }) => statement.Effect === 'Allow')
      .flatMap(({ owner, statement }) =>
        asList(statement.Action)
          .filter((action) => action.includes('*'))
          .map((action) => `${owner}/${statement.Sid}: ${action}`),
      );
    expect(allowedWildcards).toEqual([
      // The key policy KMS itself creates: the account (through IAM) administers its key.
      'AlertTopicKey/AccountAdministersKey: kms:*',
      // SNS Developer Guide: AWS services publishing to an encrypted topic need GenerateDataKey*.
      'AlertTopicKey/CloudWatchAlarmsPublishToTopic: kms:GenerateDataKey*',
    ]);
  });
});

// The AWS services the monitor calls, by SDK client, with their IAM service prefix.
const SERVICE_CLIENTS: Record<string, string> = {
  '@aws-sdk/client-bedrock': 'bedrock',
  '@aws-sdk/client-bedrock-runtime': 'bedrock',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-eventbridge': 'events',
};
// Commands whose IAM action is not named after them (Service Authorization Reference).
const ACTION_OF_COMMAND: Record<string, string> = {
  ConverseCommand: 'bedrock:InvokeModel',
  ConverseStreamCommand: 'bedrock:InvokeModelWithResponseStream',
};
// Commands of those clients that get bundled but that the monitor never sends.
const BUNDLED_NEVER_SENT: Record<string, string> = {
  ScanCommand: "@aws-sdk/lib-dynamodb's paginators bring it along; the store only queries",
  DescribeEndpointsCommand: 'DynamoDB endpoint discovery, off unless configured',
};

/** The service commands an esbuild bundle holds (keepNames leaves every class name in it). */
async function serviceCommandsIn(bundle: string): Promise<Map<string, string>> {
  const named = new Set([...bundle.matchAll(/"([A-Z]\w*Command)"/g)].map((m) => m[1] as string));
  const commands = new Map<string, string>();
  for (const [client, prefix] of Object.entries(SERVICE_CLIENTS)) {
    let exports: Record<string, unknown>;
    try {
      exports = await import(client);
    } catch {
      continue; // not installed, so not bundled either
    }
    for (const name of Object.keys(exports)) {
      if (!name.endsWith('Command') || !named.has(name)) continue;
      commands.set(
        name,
        ACTION_OF_COMMAND[name] ?? `${prefix}:${name.slice(0, -'Command'.length)}`,
      );
    }
  }
  return commands;
}

describe('bedrock:InvokeModel for verified models', () => {
  const invokeStatements = (t: CfnTemplate) =>
    iamStatements(t).filter(({ statement }) =>
      asList(statement.Action).includes('bedrock:InvokeModel'),
    );

  it('is granted nowhere when no model has verify', () => {
    expect(invokeStatements(template)).toEqual([]);
    expect(resourcesOfType(template, 'AWS::IAM::Policy')).toEqual([]);
  });

  it('is granted on exactly the verified models, in their regions, and their inference profiles', () => {
    const statements = invokeStatements(configuredTemplate);

    expect(statements.map(({ owner }) => owner)).toEqual(['VerifiedModelsInvokePolicy']);
    expect(statements[0]?.statement).toMatchObject({
      Effect: 'Allow',
      Action: ['bedrock:InvokeModel'],
    });
    // biome-ignore-start lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
    expect(asList(statements[0]?.statement.Resource)).toEqual([
      {
        'Fn::Sub':
          'arn:${AWS::Partition}:bedrock:us-east-1:${AWS::AccountId}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      },
      {
        'Fn::Sub':
          'arn:${AWS::Partition}:bedrock:us-west-2:${AWS::AccountId}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      },
      // A cross-region profile routes the call to the model in another region of its geography.
      {
        'Fn::Sub':
          'arn:${AWS::Partition}:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      },
      {
        'Fn::Sub': 'arn:${AWS::Partition}:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0',
      },
    ]);
    // biome-ignore-end lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
    expect(resource(configuredTemplate, 'VerifiedModelsInvokePolicy').Properties).toMatchObject({
      Roles: [{ Ref: 'IamRoleLambdaExecution' }],
    });
  });
});

describe('the Lambda package', () => {
  let entries: ZipEntry[];
  /** The handler's entry module, handlers/monitor.mjs. */
  let bundle: string;
  /** Every module of the package: the entry and the chunks esbuild split off. */
  let code: string;
  let zipPath: string;
  /** The package unzipped, as Lambda lays it out. */
  let packageDir: string;

  beforeAll(() => {
    zipPath = join(defaults.outDir, 'bedrock-access-monitor.zip');
    entries = readZipEntries(readFileSync(zipPath));
    bundle =
      entries
        .find((e) => e.name === 'handlers/monitor.mjs')
        ?.read()
        .toString('utf8') ?? '';
    code = entries.map((e) => e.read().toString('utf8')).join('\n');
    packageDir = mkdtempSync(join(tmpdir(), 'bam-bundle-'));
    for (const entry of entries) {
      mkdirSync(dirname(join(packageDir, entry.name)), { recursive: true });
      writeFileSync(join(packageDir, entry.name), entry.read());
    }
  });
  afterAll(() => removeDirectory(packageDir));

  /** The environment serverless.yml gives the function, for runs that reach no AWS service. */
  const FUNCTION_ENV = {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    STATE_TABLE_NAME: 'bedrock-access-monitor-dev-state',
    ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:bedrock-access-monitor-dev-alerts',
  };
  // As the runtime hands it: counting down from a deadline, 1 to 40 ms into a 120 s timeout.
  const CONTEXT = `(() => { const deadline = Date.now() + ${runtimeRemainingMs()}; return { invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', getRemainingTimeInMillis: () => deadline - Date.now() }; })()`;

  /**
   * A cold start of the packaged function: a fresh node process imports the unzipped handler
   * and runs `script`, where `handler` and `context` are in scope. Resolves with the last line
   * the script prints (the function's own log lines come first).
   */
  const coldStart = (script: string, env: NodeJS.ProcessEnv) => {
    const handler = pathToFileURL(join(packageDir, 'handlers', 'monitor.mjs')).href;
    return new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { handler } = await import(${JSON.stringify(handler)}); const context = ${CONTEXT}; ${script}`,
        ],
        { env },
        (error, stdout, stderr) =>
          error ? reject(new Error(stderr)) : resolve(stdout.trim().split('\n').at(-1) ?? ''),
      );
    });
  };

  it('holds the minified ESM bundle of the handler, its chunks and no node_modules', async ({
    annotate,
  }) => {
    const names = entries.map((e) => e.name);
    expect(names).toContain('handlers/monitor.mjs');
    // Code esbuild splits off (splitting: true in custom.esbuild) sits beside the entry.
    expect(names.filter((name) => !/^handlers\/[\w-]+\.mjs$/.test(name))).toEqual([]);
    expect(names.some((name) => name.includes('node_modules'))).toBe(false);
    const lines = bundle.split('\n');
    // Minified: long lines (multi-line strings keep their line breaks) and local names mangled,
    // while keepNames still records the original name for `name`.
    expect(bundle.length / lines.length).toBeGreaterThan(1_000);
    expect(code).not.toContain('function createMonitorHandler(');
    expect(code).toContain('"createMonitorHandler"');
    // ESM with a require() for the CommonJS parts of the dependencies.
    expect(lines[0]).toContain("import { createRequire as __bamCreateRequire } from 'node:module'");
    // A minified name is any JavaScript identifier, `$` included.
    expect(bundle).toMatch(/export\s*\{\s*[\w$]+ as handler\s*\}/);

    const zipBytes = readFileSync(zipPath).length;
    const report = `Lambda package: ${(zipBytes / 1024).toFixed(0)} KiB zipped, entry ${(bundle.length / 1024).toFixed(0)} KiB, ${entries.length} modules ${(code.length / 1024).toFixed(0)} KiB`;
    console.info(report);
    await annotate(report);
    // Far below Lambda's 50 MB zipped limit; a jump here means something unexpected got bundled.
    expect(zipBytes).toBeLessThan(2 * 1024 * 1024);
  });

  it('bundles config/watched-models.yml in the handler entry, as its text', () => {
    // esbuild's text loader, minified: a template literal, its lines kept, \ ` and ${ escaped.
    const lines = readFileSync(join(REPO_ROOT, 'config', 'watched-models.yml'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.replace(/\\|`|\$\{/g, (special) => `\\${special}`));
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.filter((line) => !bundle.includes(line))).toEqual([]);
  });

  it('keeps class names, which errors are matched and named by', () => {
    expect(code).toMatch(/static\{\w+\(this,"EnvironmentError"\)\}/);
  });

  it('can send only AWS operations the function role grants', async () => {
    const commands = await serviceCommandsIn(code);
    expect(commands.get('GetFoundationModelAvailabilityCommand')).toBe(
      'bedrock:GetFoundationModelAvailability',
    );
    // Converse is sent only for models with `verify`, so the stack with verified models is
    // the one that must grant everything the bundle can send.
    const granted = new Set(
      iamStatements(configuredTemplate)
        .filter(
          ({ owner }) =>
            owner === 'IamRoleLambdaExecution' ||
            owner === 'VerifiedModelsInvokePolicy' ||
            owner === 'PutEventsPolicy',
        )
        .flatMap(({ statement }) => asList(statement.Action)),
    );
    const ungranted = [...commands]
      .filter(([name, action]) => !granted.has(action) && !(name in BUNDLED_NEVER_SENT))
      .map(([name, action]) => `${name} needs ${action}`);
    expect(ungranted).toEqual([]);
  });

  it('loads on Node and exports the handler', async () => {
    expect(await coldStart('console.log(typeof handler);', FUNCTION_ENV)).toBe('function');
  });

  it('reads and validates a WATCHED_MODELS_FILE in place of the bundled config', async () => {
    const config = join(packageDir, 'replacement.yml');
    writeFileSync(
      config,
      'regions: [us-east-1]\nmodels:\n  - id: amazon.nova-pro-v1:0\n  - id: amazon.nova-pro-v1:0\n',
    );
    const output = await coldStart(
      "await handler({}, context).catch((error) => { console.log(error.name + ': ' + error.message); });",
      { ...FUNCTION_ENV, WATCHED_MODELS_FILE: config },
    );
    expect(output).toBe(
      `ConfigError: ${config}:4:9: Model "amazon.nova-pro-v1:0" is listed twice; keep one entry per model and give it all its regions. The first is on line 3.`,
    );
  });

  it('publishes a verified ready alert, as packaged', async () => {
    const model = 'amazon.nova-pro-v1:0';
    const bed = await LambdaTestBed.start(
      `account: "123456789012"
catalog: [{ id: ${model} }]
grants:
  - region: us-east-1
    model: ${model}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]
    invoke: [{ at: 0, result: ok }]
`,
      `regions: [us-east-1]\nmodels:\n  - id: ${model}\n    verify: true\n`,
    );
    try {
      // Each run a cold start, against the simulator, dynalite and the SNS stand-in that
      // LambdaTestBed put in this process's environment.
      const coldRun = () =>
        coldStart(
          'const summary = await handler({}, context); console.log(JSON.stringify(summary.transitions.map((t) => t.kind)));',
          { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        );
      expect(await coldRun()).toBe('[]');
      bed.simulator.setTick(1);
      expect(await coldRun()).toBe('["ready"]');
      expect(bed.sns.published.map((p) => p.subject)).toEqual([
        `Bedrock access ready: ${model} in us-east-1`,
      ]);
      const event = JSON.parse(JSON.parse(bed.sns.published[0]?.message ?? '{}').default);
      expect(event.verification).toMatchObject({ ok: true, via: model });
    } finally {
      await bed.close();
    }
  });
  it('checks every pair under 200 contexts whose remaining time is drawn at random', async () => {
    const models = [
      'amazon.titan-text-express-v1',
      'amazon.nova-pro-v1:0',
      'meta.llama3-8b-instruct-v1:0',
    ];
    const bed = await LambdaTestBed.start(
      `account: "123456789012"\ncatalog: [${models.map((id) => `{ id: ${id} }`).join(', ')}]\n`,
      `regions: [us-east-1, us-west-2, eu-west-1]\nmodels:\n${models.map((id) => `  - id: ${id}\n`).join('')}`,
    );
    // Half as the runtime hands them (1 to 40 ms into a 120 s timeout), half anywhere from
    // 10 s to the 15-minute maximum: whole milliseconds, round only by chance.
    const draws = fc.sample(
      fc.oneof(
        fc.integer({ min: 1, max: 40 }).map((late) => 120_000 - late),
        fc.integer({ min: 10_000, max: 900_000 }),
      ),
      200,
    );
    try {
      const script = `
        const results = [];
        for (const remaining of ${JSON.stringify(draws)}) {
          const deadline = Date.now() + remaining;
          const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', getRemainingTimeInMillis: () => deadline - Date.now() };
          const summary = await handler({}, context);
          results.push({ remaining, checks: summary.checks, unknown: summary.states.UNKNOWN, failures: summary.failures.map((f) => f.kind) });
        }
        console.log(JSON.stringify(results));`;
      const results = JSON.parse(
        await coldStart(script, {
          ...process.env,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        }),
      ) as Array<{ remaining: number; checks: number; unknown: number; failures: string[] }>;

      expect(results).toHaveLength(200);
      expect(results.filter((run) => run.checks !== 9 || run.unknown !== 0)).toEqual([]);
    } finally {
      await bed.close();
    }
  }, 120_000);
});

describe('serverless package with an invalid config/watched-models.yml', () => {
  it('fails and shows the validator output, file:line:col: message', () => {
    expect(broken.code).not.toBe(0);
    expect(broken.output).toContain('config/watched-models.yml is not valid');
    expect(broken.output).toMatch(/config\/watched-models\.yml:3:9: .+/);
    expect(existsSync(broken.outDir) ? readdirSync(broken.outDir) : []).toEqual([]);
  });
});

describe('every resource against its CloudFormation schema', () => {
  it('has a schema to be validated against', () => {
    const validator = new CfnSchemaValidator();
    const missing = Object.values(configuredTemplate.Resources)
      .map((r) => r.Type)
      .filter((type) => !validator.hasSchema(type));
    expect(missing).toEqual([]);
  });

  it('accepts the Properties of every resource, with all parameters set', () => {
    const validator = new CfnSchemaValidator();
    const problems = createdResources(configuredTemplate).flatMap(([id, r]) =>
      validator
        .validate(r.Type, r.Properties)
        .map((p) => `${id} (${r.Type}) ${p.path}: ${p.message}`),
    );
    expect(createdResources(configuredTemplate)).toHaveLength(
      Object.keys(configuredTemplate.Resources).length,
    );
    expect(problems).toEqual([]);
  });

  it('accepts the Properties of every resource CloudFormation creates with the defaults', () => {
    const validator = new CfnSchemaValidator();
    const problems = createdResources(template).flatMap(([id, r]) =>
      validator
        .validate(r.Type, r.Properties)
        .map((p) => `${id} (${r.Type}) ${p.path}: ${p.message}`),
    );
    expect(problems).toEqual([]);
  });

  it('accepts the Properties of every resource CloudFormation creates with a shared key', () => {
    const validator = new CfnSchemaValidator();
    const problems = createdResources(sharedKeyTemplate).flatMap(([id, r]) =>
      validator
        .validate(r.Type, resolveConditions(sharedKeyTemplate, r.Properties))
        .map((p) => `${id} (${r.Type}) ${p.path}: ${p.message}`),
    );
    expect(problems).toEqual([]);
  });

  it('would catch what CloudFormation refuses (the validator itself can fail)', () => {
    const validator = new CfnSchemaValidator();
    const table = structuredClone(props(template, 'StateTable'));
    (table.KeySchema as unknown[]).reverse();
    expect(validator.validate('AWS::DynamoDB::Table', table)).not.toEqual([]);

    const alarm = { ...props(template, 'CheckFailuresAlarm'), Metrics: [] };
    expect(validator.validate('AWS::CloudWatch::Alarm', alarm)).not.toEqual([]);

    const logGroup = { ...props(template, 'MonitorLogGroup'), RetentionInDays: 13 };
    expect(validator.validate('AWS::Logs::LogGroup', logGroup)).not.toEqual([]);

    const query = { ...props(template, 'GrantHistoryQuery'), QueryDefinitionId: 'set by AWS' };
    expect(validator.validate('AWS::Logs::QueryDefinition', query)).not.toEqual([]);

    const slack = { ...props(configuredTemplate, 'SlackChannel'), SlackWorkspaceId: '' };
    expect(validator.validate('AWS::Chatbot::SlackChannelConfiguration', slack)).not.toEqual([]);
  });
});
