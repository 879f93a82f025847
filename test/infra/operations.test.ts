import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CfnTemplate,
  conditionHolds,
  readTemplate,
  resource,
} from './support/cfn-template.ts';
import {
  grantingStatements,
  type PolicyDocument,
  statementActions,
  statementResources,
} from './support/iam-policy.ts';
import {
  copyProject,
  OSLS_BIN,
  offlineEnvironment,
  type PackageRun,
  packageStack,
  REPO_ROOT,
  removeDirectory,
} from './support/serverless-package.ts';

// What a user commits for the stage: the region and both subscriptions. With a verified model
// as well, the template holds every resource type the stack can create.
const STAGE = `region: eu-west-1
alertEmail: ops@example.com
slackWorkspaceId: T0123456789
slackChannelId: C0123456789
`;

/** What a redeploy would send of the subscriptions and the region: the same, every time. */
function subscriptions(template: CfnTemplate) {
  return {
    email: conditionHolds(template, 'HasAlertEmail')
      ? resource(template, 'AlertEmailSubscription').Properties?.Endpoint
      : null,
    slack: conditionHolds(template, 'HasSlackChannel')
      ? {
          workspace: resource(template, 'SlackChannel').Properties?.SlackWorkspaceId,
          channel: resource(template, 'SlackChannel').Properties?.SlackChannelId,
        }
      : null,
    functionRole: JSON.stringify(template.Resources.IamRoleLambdaExecution?.Properties),
  };
}

/** `serverless deploy` offline, with no AWS credentials: only what happens before AWS counts. */
function deployOffline(
  projectDir: string,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  const home = join(projectDir, '.home');
  mkdirSync(home, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [OSLS_BIN, 'deploy', ...args], {
      cwd: projectDir,
      env: offlineEnvironment(home),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

let project = '';
let first: PackageRun;
let second: PackageRun;

beforeAll(async () => {
  project = copyProject();
  mkdirSync(join(project, 'stages'), { recursive: true });
  // The default stage, dev: packaged twice with no option at all, as a deploy and a redeploy.
  writeFileSync(join(project, 'stages', 'dev.yml'), STAGE);
  writeFileSync(
    join(project, 'config', 'watched-models.yml'),
    'regions: [eu-west-1]\nmodels:\n  - id: amazon.nova-pro-v1:0\n    verify: true\n',
  );
  first = await packageStack(project);
  second = await packageStack(project);
  for (const run of [first, second]) {
    if (run.code !== 0) throw new Error(`serverless package failed:\n${run.output}`);
  }
}, 300_000);

afterAll(() => removeDirectory(project));

describe('the settings file of a stage', () => {
  it('gives a redeploy the same subscriptions and region as the first deploy', () => {
    const before = subscriptions(readTemplate(first.outDir));
    const after = subscriptions(readTemplate(second.outDir));

    expect(before).toMatchObject({
      email: 'ops@example.com',
      slack: { workspace: 'T0123456789', channel: 'C0123456789' },
    });
    expect(before.functionRole).toContain(':log-group:/aws/lambda/bedrock-access-monitor-dev');
    expect(after).toEqual(before);
    expect(first.output).toContain('for stage dev (eu-west-1)');
  });

  it('is required by serverless deploy, which refuses to drop the subscriptions before any AWS call', async () => {
    writeFileSync(join(project, 'stages', 'staging.yml'), 'region: eu-west-1\n');

    const run = await deployOffline(project, [
      '--stage',
      'staging',
      '--param=alertEmail=ops@example.com',
    ]);

    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Nothing was deployed:');
    expect(run.output).toContain(
      '--param alertEmail: a deploy takes its settings from stages/staging.yml only',
    );
    expect(run.output).toContain('stages/staging.yml subscribes nobody to the alerts');
    expect(run.output).not.toMatch(/credentials|Packaging/i);
  }, 120_000);
});

describe('a removal of the stack', () => {
  it('keeps the state table, with the grant history, and a replacement keeps the old one too', () => {
    const table = resource(readTemplate(first.outDir), 'StateTable') as unknown as Record<
      string,
      unknown
    >;

    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });
});

// ---- The policy for whoever deploys: docs/deployer-policy.json ----

const DEPLOYER_POLICY = JSON.parse(
  readFileSync(join(REPO_ROOT, 'docs', 'deployer-policy.json'), 'utf8'),
) as PolicyDocument;

// ARNs of this stack's resources as AWS names them: stage dev, eu-west-1, one account. Names
// the template does not fix are CloudFormation's (<stack>-<logical id>-<random>).
const STACK = 'bedrock-access-monitor-dev';
const AT = 'eu-west-1:111122223333';
const ARN = {
  stack: `arn:aws:cloudformation:${AT}:stack/${STACK}/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`,
  bucket: `arn:aws:s3:::${STACK}-serverlessdeploymentbucket-1a2b3c4d5e6f7`,
  artifact: `arn:aws:s3:::${STACK}-serverlessdeploymentbucket-1a2b3c4d5e6f7/serverless/bedrock-access-monitor/dev/1764036000000-2026-11-25T02:00:00.000Z/bedrock-access-monitor.zip`,
  logGroup: `arn:aws:logs:${AT}:log-group:/aws/lambda/${STACK}-monitor`,
  logGroupStreams: `arn:aws:logs:${AT}:log-group:/aws/lambda/${STACK}-monitor:*`,
  anyLogGroup: `arn:aws:logs:${AT}:log-group:*`,
  functionRole: `arn:aws:iam::111122223333:role/${STACK}-eu-west-1-lambdaRole`,
  channelRole: `arn:aws:iam::111122223333:role/${STACK}-ChatbotChannelRole-Q1w2E3r4T5y6`,
  channelPolicy: `arn:aws:iam::111122223333:policy/${STACK}-ChatbotChannelPolicy-Q1w2E3r4T5y6`,
  function: `arn:aws:lambda:${AT}:function:${STACK}-monitor`,
  functionVersion: `arn:aws:lambda:${AT}:function:${STACK}-monitor:7`,
  rule: `arn:aws:events:${AT}:rule/${STACK}-MonitorEventsRuleSchedule1-Q1w2E3r4T5y6`,
  table: `arn:aws:dynamodb:${AT}:table/${STACK}-state`,
  key: `arn:aws:kms:${AT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  alias: `arn:aws:kms:${AT}:alias/${STACK}-alerts`,
  topic: `arn:aws:sns:${AT}:${STACK}-alerts`,
  subscription: `arn:aws:sns:${AT}:${STACK}-alerts:5a1e2f7c-0b7d-4e53-9d6a-1c2b3d4e5f60`,
  alarm: `arn:aws:cloudwatch:${AT}:alarm:${STACK}-function-errors`,
  dashboard: `arn:aws:cloudwatch::111122223333:dashboard/${STACK}`,
  slackChannel: `arn:aws:chatbot::111122223333:chat-configuration/slack-channel/${STACK}`,
  none: '*',
};
type Need = [actions: string[], resource: keyof typeof ARN];

// What the Serverless Framework calls itself around a deploy and a removal (osls: the stack, its
// change sets, the artifacts in the deployment bucket, the function's code hash).
const FRAMEWORK: Need[] = [
  [
    [
      'cloudformation:CreateStack',
      'cloudformation:UpdateStack',
      'cloudformation:DeleteStack',
      'cloudformation:DescribeStacks',
      'cloudformation:DescribeStackEvents',
      'cloudformation:DescribeStackResource',
      'cloudformation:DescribeStackResources',
      'cloudformation:ListStackResources',
      'cloudformation:GetTemplate',
      'cloudformation:CreateChangeSet',
      'cloudformation:DescribeChangeSet',
      'cloudformation:ExecuteChangeSet',
      'cloudformation:DeleteChangeSet',
    ],
    'stack',
  ],
  [['cloudformation:ValidateTemplate', 'cloudformation:ListExports'], 'none'],
  [['s3:ListBucket', 's3:ListBucketVersions'], 'bucket'],
  [['s3:PutObject', 's3:GetObject', 's3:DeleteObject', 's3:DeleteObjectVersion'], 'artifact'],
  [['lambda:GetFunction'], 'function'],
];

// What CloudFormation calls, with the deployer's credentials, to create, update, read and
// delete each resource type of the stack. A new type in serverless.yml fails the test below
// until its needs are here and in the policy.
const RESOURCE_TYPES: Record<string, Need[]> = {
  'AWS::S3::Bucket': [
    [
      [
        's3:CreateBucket',
        's3:DeleteBucket',
        's3:PutEncryptionConfiguration',
        's3:GetEncryptionConfiguration',
        's3:PutBucketTagging',
        's3:GetBucketTagging',
        's3:GetBucketLocation',
      ],
      'bucket',
    ],
  ],
  'AWS::S3::BucketPolicy': [
    [['s3:PutBucketPolicy', 's3:GetBucketPolicy', 's3:DeleteBucketPolicy'], 'bucket'],
  ],
  'AWS::Logs::LogGroup': [
    [
      [
        'logs:CreateLogGroup',
        'logs:DeleteLogGroup',
        'logs:PutRetentionPolicy',
        'logs:TagResource',
        'logs:ListTagsForResource',
      ],
      'logGroup',
    ],
    [['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:TagLogGroup'], 'logGroupStreams'],
    [['logs:DescribeLogGroups'], 'anyLogGroup'],
  ],
  'AWS::Logs::QueryDefinition': [
    [
      ['logs:PutQueryDefinition', 'logs:DeleteQueryDefinition', 'logs:DescribeQueryDefinitions'],
      'none',
    ],
  ],
  'AWS::IAM::Role': [
    [
      [
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:GetRole',
        'iam:UpdateAssumeRolePolicy',
        'iam:PutRolePolicy',
        'iam:GetRolePolicy',
        'iam:DeleteRolePolicy',
        'iam:ListRolePolicies',
        'iam:AttachRolePolicy',
        'iam:DetachRolePolicy',
        'iam:ListAttachedRolePolicies',
        'iam:TagRole',
        'iam:UntagRole',
      ],
      'functionRole',
    ],
    [['iam:CreateRole', 'iam:AttachRolePolicy', 'iam:DeleteRole'], 'channelRole'],
  ],
  'AWS::IAM::Policy': [
    [['iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'], 'functionRole'],
  ],
  'AWS::IAM::ManagedPolicy': [
    [
      [
        'iam:CreatePolicy',
        'iam:DeletePolicy',
        'iam:GetPolicy',
        'iam:GetPolicyVersion',
        'iam:CreatePolicyVersion',
        'iam:DeletePolicyVersion',
        'iam:ListPolicyVersions',
        'iam:ListEntitiesForPolicy',
      ],
      'channelPolicy',
    ],
  ],
  'AWS::Lambda::Function': [
    [
      [
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:GetFunction',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:TagResource',
        'lambda:ListTags',
        'lambda:GetRuntimeManagementConfig',
        'lambda:GetFunctionCodeSigningConfig',
      ],
      'function',
    ],
    [['iam:PassRole'], 'functionRole'],
    [['s3:GetObject'], 'artifact'],
  ],
  'AWS::Lambda::Version': [
    [['lambda:PublishVersion', 'lambda:ListVersionsByFunction'], 'function'],
    [['lambda:GetFunction', 'lambda:DeleteFunction'], 'functionVersion'],
  ],
  'AWS::Lambda::EventInvokeConfig': [
    [
      [
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:UpdateFunctionEventInvokeConfig',
        'lambda:DeleteFunctionEventInvokeConfig',
        'lambda:GetFunctionEventInvokeConfig',
      ],
      'function',
    ],
  ],
  'AWS::Lambda::Permission': [
    [['lambda:AddPermission', 'lambda:RemovePermission', 'lambda:GetPolicy'], 'function'],
  ],
  'AWS::Events::Rule': [
    [
      [
        'events:PutRule',
        'events:DeleteRule',
        'events:DescribeRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:ListTargetsByRule',
      ],
      'rule',
    ],
  ],
  'AWS::DynamoDB::Table': [
    [
      [
        'dynamodb:CreateTable',
        'dynamodb:DeleteTable',
        'dynamodb:DescribeTable',
        'dynamodb:UpdateTable',
        'dynamodb:UpdateTimeToLive',
        'dynamodb:DescribeTimeToLive',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:TagResource',
        'dynamodb:ListTagsOfResource',
      ],
      'table',
    ],
  ],
  'AWS::KMS::Key': [
    [['kms:CreateKey'], 'none'],
    [
      [
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:EnableKeyRotation',
        'kms:ListResourceTags',
        'kms:TagResource',
        'kms:PutKeyPolicy',
        'kms:ScheduleKeyDeletion',
      ],
      'key',
    ],
  ],
  'AWS::KMS::Alias': [
    [['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'], 'alias'],
    [['kms:CreateAlias', 'kms:DeleteAlias'], 'key'],
    [['kms:ListAliases'], 'none'],
  ],
  'AWS::SNS::Topic': [
    [
      [
        'sns:CreateTopic',
        'sns:DeleteTopic',
        'sns:GetTopicAttributes',
        'sns:SetTopicAttributes',
        'sns:TagResource',
        'sns:ListTagsForResource',
      ],
      'topic',
    ],
  ],
  'AWS::SNS::TopicPolicy': [[['sns:SetTopicAttributes', 'sns:GetTopicAttributes'], 'topic']],
  'AWS::SNS::Subscription': [
    [['sns:Subscribe', 'sns:ListSubscriptionsByTopic'], 'topic'],
    [
      ['sns:Unsubscribe', 'sns:GetSubscriptionAttributes', 'sns:SetSubscriptionAttributes'],
      'subscription',
    ],
  ],
  'AWS::CloudWatch::Alarm': [
    [
      ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms'],
      'alarm',
    ],
  ],
  'AWS::CloudWatch::Dashboard': [
    [
      ['cloudwatch:PutDashboard', 'cloudwatch:GetDashboard', 'cloudwatch:DeleteDashboards'],
      'dashboard',
    ],
  ],
  'AWS::Chatbot::SlackChannelConfiguration': [
    [
      [
        'chatbot:CreateSlackChannelConfiguration',
        'chatbot:UpdateSlackChannelConfiguration',
        'chatbot:DeleteSlackChannelConfiguration',
      ],
      'slackChannel',
    ],
    [['chatbot:DescribeSlackChannelConfigurations'], 'none'],
    [['iam:PassRole'], 'channelRole'],
  ],
};

// Actions that have no resource type in the Service Authorization Reference: "*" is all an IAM
// statement can name for them.
const ACTIONS_WITHOUT_RESOURCE_TYPES = [
  'chatbot:DescribeSlackChannelConfigurations',
  'cloudformation:ListExports',
  'cloudformation:ValidateTemplate',
  'kms:CreateKey',
  'kms:ListAliases',
  'logs:DeleteQueryDefinition',
  'logs:DescribeQueryDefinitions',
  'logs:PutQueryDefinition',
];

const allNeeds = (): Need[] => [...FRAMEWORK, ...Object.values(RESOURCE_TYPES).flat()];

describe('the deployer policy (docs/deployer-policy.json)', () => {
  it('knows every resource type the stack creates, with every option on', () => {
    const types = new Set(
      [
        readTemplate(first.outDir),
        JSON.parse(
          readFileSync(join(first.outDir, 'cloudformation-template-create-stack.json'), 'utf8'),
        ) as CfnTemplate,
      ].flatMap((template) => Object.values(template.Resources).map((r) => r.Type)),
    );

    expect([...types].filter((type) => RESOURCE_TYPES[type] === undefined)).toEqual([]);
    expect(types.size).toBeGreaterThanOrEqual(18);
  });

  it('allows every call a deploy, an update and a removal make, on this stack', () => {
    const missing = allNeeds().flatMap(([actions, arn]) =>
      actions
        .filter((action) => grantingStatements(DEPLOYER_POLICY, action, ARN[arn]).length === 0)
        .map((action) => `${action} on ${ARN[arn]}`),
    );

    expect(missing).toEqual([]);
  });

  it('allows them on another application only where a condition or the lack of a resource type says so', () => {
    const tooWide = allNeeds().flatMap(([actions, arn]) => {
      const other = ARN[arn].replaceAll('bedrock-access-monitor', 'other-app');
      return actions
        .filter((action) =>
          grantingStatements(DEPLOYER_POLICY, action, other).some(
            (statement) =>
              statement.Condition === undefined &&
              !(
                statementResources(statement).includes('*') &&
                ACTIONS_WITHOUT_RESOURCE_TYPES.includes(action)
              ) &&
              // A key ARN has no name, nor does "every log group": reading settings is all an
              // unconditioned statement on them allows (and turning a key's rotation on).
              !(
                (arn === 'key' || arn === 'anyLogGroup') &&
                /^[a-z]+:(Describe|Get|List)|^kms:EnableKeyRotation$/.test(action)
              ),
          ),
        )
        .map((action) => `${action} on ${other}`);
    });

    expect(tooWide).toEqual([]);
  });

  it('has no wildcard action but reads (Get*, List*, Describe*), and "*" only for actions without a resource type', () => {
    const actions = DEPLOYER_POLICY.Statement.flatMap(statementActions);
    const starResourceActions = DEPLOYER_POLICY.Statement.filter((s) =>
      statementResources(s).includes('*'),
    ).flatMap(statementActions);

    expect(
      actions.filter((a) => a.includes('*') && !/^[a-z0-9-]+:(Get|List|Describe)\*$/.test(a)),
    ).toEqual([]);
    expect(starResourceActions.sort()).toEqual(ACTIONS_WITHOUT_RESOURCE_TYPES);
    expect(DEPLOYER_POLICY.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
  });

  it('manages only the KMS key the stack tags, and passes roles only to Lambda and AWS Chatbot', () => {
    const key = resource(readTemplate(first.outDir), 'AlertTopicKey').Properties as {
      Tags: { Key: string; Value: string }[];
    };
    const manage = grantingStatements(DEPLOYER_POLICY, 'kms:ScheduleKeyDeletion', ARN.key);
    const pass = grantingStatements(DEPLOYER_POLICY, 'iam:PassRole', ARN.functionRole);

    expect(key.Tags).toEqual([{ Key: 'bedrock-access-monitor:stack', Value: STACK }]);
    expect(manage.map((s) => s.Condition)).toEqual([
      {
        StringLike: { 'aws:ResourceTag/bedrock-access-monitor:stack': 'bedrock-access-monitor-*' },
      },
    ]);
    expect(pass.map((s) => s.Condition)).toEqual([
      {
        StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'chatbot.amazonaws.com'] },
      },
    ]);
  });

  it('fits in one managed policy (6,144 characters without white space)', () => {
    expect(JSON.stringify(DEPLOYER_POLICY).length).toBeLessThanOrEqual(6_144);
  });
});
