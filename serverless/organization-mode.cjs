'use strict';

// Local Serverless plugin: organization mode (DESIGN.md, "Organization mode"). When the packaged
// config/watched-models.yml has `accounts`, the stack gets:
//   - WorkQueue (SQS-managed encryption) and WorkDeadLetterQueue after 3 receives, alarmed when
//     it holds a message (WorkDeadLetterAlarm, to the alert topic);
//   - the worker, checkAccount (handlers/check-account.ts), on the queue's event source mapping
//     with ReportBatchItemFailures and MaximumConcurrency = workerMaximumConcurrency, with a
//     role of its own (WorkerRole, named <stack prefix>-worker so the member-role template can
//     trust it): the monitor's Bedrock, table and topic statements, the queue's consume actions,
//     and sts:AssumeRole on exactly the member role's ARN;
//   - the scheduled function as the planner: its role keeps only organizations:List* (when the
//     config lists the organization) and sqs:SendMessage on the work queue.
// Without `accounts` this plugin changes nothing (a test compares the two templates).

const { readFileSync } = require('node:fs');
const path = require('node:path');
const { parse } = require('yaml');

const WATCHED_MODELS_FILE = 'config/watched-models.yml';
const MAX_RECEIVE_COUNT = 3;
const WORKER_TIMEOUT_SECONDS = 120;
const WORKER_BATCH_SIZE = 5;

/** The `accounts` of the packaged config, or undefined (validate-watched-models.cjs checked it). */
function packagedAccounts(serviceDir) {
  const config = parse(readFileSync(path.join(serviceDir, WATCHED_MODELS_FILE), 'utf8'));
  return config?.accounts ?? undefined;
}

/** The resources, function and role changes of organization mode. */
function organizationResources({ accounts, stackPrefix, settings, statements }) {
  const memberRoleArns =
    accounts.ids === undefined
      ? [{ 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${accounts.roleName}` }]
      : accounts.ids.map((id) => ({
          'Fn::Sub': `arn:\${AWS::Partition}:iam::${id}:role/${accounts.roleName}`,
        }));
  const workerStatements = [
    ...statements,
    {
      Sid: 'ConsumeWork',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: [{ 'Fn::GetAtt': ['WorkQueue', 'Arn'] }],
    },
    {
      Sid: 'AssumeMemberRole',
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Resource: memberRoleArns,
      // With the organization listed, only roles of accounts inside it.
      ...(accounts.ids === undefined
        ? {
            Condition: {
              // An IAM policy variable, not a JavaScript placeholder.
              StringEquals: { 'aws:ResourceOrgID': `\${aws:PrincipalOrgID}` },
            },
          }
        : {}),
    },
    {
      Sid: 'WriteOwnLog',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [
        {
          'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${stackPrefix}-checkAccount:*`,
        },
      ],
    },
  ];
  const plannerStatements = [
    {
      Sid: 'QueueWork',
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: [{ 'Fn::GetAtt': ['WorkQueue', 'Arn'] }],
    },
    ...(accounts.organization === undefined
      ? []
      : [
          {
            Sid: 'ListOrganizationAccounts',
            Effect: 'Allow',
            Action: [
              'organizations:ListAccounts',
              'organizations:ListAccountsForParent',
              'organizations:ListChildren',
            ],
            Resource: '*',
          },
        ]),
  ];
  const resources = {
    WorkDeadLetterQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${stackPrefix}-work-dlq`,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 1_209_600,
      },
    },
    WorkQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: {
        QueueName: `${stackPrefix}-work`,
        SqsManagedSseEnabled: true,
        // Lambda's advice: six times the function's timeout.
        VisibilityTimeout: 6 * WORKER_TIMEOUT_SECONDS,
        // A message older than one period is skipped anyway.
        MessageRetentionPeriod: Math.max(3_600, settings.schedulePeriodSeconds * 3),
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': ['WorkDeadLetterQueue', 'Arn'] },
          maxReceiveCount: MAX_RECEIVE_COUNT,
        },
      },
    },
    WorkDeadLetterAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${stackPrefix}-work-dead-letters`,
        AlarmDescription:
          'A member account could not be checked 3 times in a row (its role cannot be assumed, or the table or STS failed): its work message is in the dead-letter queue. Open the checkAccount log group.',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': ['WorkDeadLetterQueue', 'QueueName'] } },
        ],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlertTopic' }],
        OKActions: [{ Ref: 'AlertTopic' }],
      },
    },
    WorkerRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: `${stackPrefix}-worker`,
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'check-member-accounts',
            PolicyDocument: { Version: '2012-10-17', Statement: workerStatements },
          },
        ],
      },
    },
  };
  return { resources, plannerStatements };
}

class OrganizationModePlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.serviceDir = serverless.serviceDir ?? serverless.config.servicePath;
    this.hooks = {
      'before:package:initialize': () => this.apply(),
      'before:package:finalize': () => this.keepQueueOffPlannerRole(),
    };
  }

  /**
   * The framework grants the SQS event's consume actions to the shared role even for a function
   * with a role of its own: the planner never receives, so they leave its role.
   */
  keepQueueOffPlannerRole() {
    if (packagedAccounts(this.serviceDir) === undefined) return;
    const template = this.serverless.service.provider.compiledCloudFormationTemplate;
    const plannerRole = template.Resources.IamRoleLambdaExecution;
    for (const policy of plannerRole?.Properties?.Policies ?? []) {
      const document = policy.PolicyDocument;
      document.Statement = document.Statement.filter(
        (statement) => ![statement.Action].flat().includes('sqs:ReceiveMessage'),
      );
    }
  }

  apply() {
    const accounts = packagedAccounts(this.serviceDir);
    if (accounts === undefined) return;
    const service = this.serverless.service;
    const settings = service.custom.settings;
    const stackPrefix = `${service.service}-${service.provider.stage}`;
    const role = service.provider.iam.role;
    const { resources, plannerStatements } = organizationResources({
      accounts,
      stackPrefix,
      settings,
      statements: role.statements,
    });
    // The planner's role: only what the planner calls.
    role.statements = plannerStatements;
    service.resources.Resources = { ...service.resources.Resources, ...resources };
    // bedrock:InvokeModel of the verified models (verified-models.cjs) goes to the worker.
    for (const resource of Object.values(service.resources.Resources)) {
      const roles = resource.Properties?.Roles;
      if (resource.Type === 'AWS::IAM::Policy' && Array.isArray(roles)) {
        resource.Properties.Roles = roles.map((r) =>
          r?.Ref === 'IamRoleLambdaExecution' ? { Ref: 'WorkerRole' } : r,
        );
      }
    }
    const monitor = service.functions.monitor;
    const periodMs = String(settings.schedulePeriodSeconds * 1000);
    const { EVENT_BUS_NAME: workerBus, ...plannerEnvironment } = monitor.environment;
    monitor.environment = { ...plannerEnvironment, WORK_QUEUE_URL: { Ref: 'WorkQueue' } };
    service.functions.checkAccount = {
      handler: 'handlers/check-account.handler',
      name: `${stackPrefix}-checkAccount`,
      description: "Checks one member account's Amazon Bedrock model access grants per message",
      role: 'WorkerRole',
      timeout: WORKER_TIMEOUT_SECONDS,
      environment: {
        STATE_TABLE_NAME: monitor.environment.STATE_TABLE_NAME,
        ALERT_TOPIC_ARN: monitor.environment.ALERT_TOPIC_ARN,
        HISTORY_TTL_DAYS: monitor.environment.HISTORY_TTL_DAYS,
        SCHEDULE_PERIOD_MS: periodMs,
        // The members' transitions go to the eventBusName bus too; the planner sends none.
        ...(workerBus === undefined ? {} : { EVENT_BUS_NAME: workerBus }),
      },
      events: [
        {
          sqs: {
            arn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
            batchSize: WORKER_BATCH_SIZE,
            functionResponseType: 'ReportBatchItemFailures',
            maximumConcurrency: settings.workerMaximumConcurrency,
          },
        },
      ],
    };
  }
}

module.exports = OrganizationModePlugin;
module.exports.organizationResources = organizationResources;
module.exports.WORKER_BATCH_SIZE = WORKER_BATCH_SIZE;
module.exports.WORKER_TIMEOUT_SECONDS = WORKER_TIMEOUT_SECONDS;
