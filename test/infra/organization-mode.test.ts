import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CfnSchemaValidator } from './support/cfn-schema-validator.ts';
import {
  asList,
  type CfnTemplate,
  createdResources,
  iamStatements,
  readTemplate,
  resource,
  resourcesOfType,
} from './support/cfn-template.ts';
import { type PackageRun, packagedStack } from './support/serverless-package.ts';

const ORGANIZATION_CONFIG = `regions: [us-east-1]
models:
  - id: amazon.nova-pro-v1:0
    verify: true
accounts:
  roleName: bedrock-access-monitor-read
  organization:
    exclude: ["333333333333"]
`;
const IDS_CONFIG = `regions: [us-east-1]
models:
  - id: amazon.nova-pro-v1:0
accounts:
  roleName: bedrock-access-monitor-read
  ids: ["111111111111", "222222222222"]
`;
const ORGANIZATION_RESOURCES = [
  'WorkQueue',
  'WorkDeadLetterQueue',
  'WorkDeadLetterAlarm',
  'WorkerRole',
];

let single: CfnTemplate;
let withoutPlugin: CfnTemplate;
let organization: CfnTemplate;
let ids: CfnTemplate;

beforeAll(async () => {
  const runs: PackageRun[] = await Promise.all([
    packagedStack(),
    packagedStack({ withoutPlugins: ['./serverless/organization-mode.cjs'] }),
    packagedStack({
      watchedModels: ORGANIZATION_CONFIG,
      params: { workerMaximumConcurrency: '25' },
    }),
    packagedStack({ watchedModels: IDS_CONFIG, params: { eventBusName: 'ops-events' } }),
  ]);
  for (const run of runs) expect(run.code, run.output).toBe(0);
  [single, withoutPlugin, organization, ids] = runs.map((run) => readTemplate(run.outDir)) as [
    CfnTemplate,
    CfnTemplate,
    CfnTemplate,
    CfnTemplate,
  ];
}, 600_000);

const statementsOf = (template: CfnTemplate, owner: string) =>
  iamStatements(template)
    .filter((found) => found.owner === owner)
    .map((found) => found.statement);
const actionsOf = (template: CfnTemplate, owner: string) =>
  statementsOf(template, owner).flatMap((statement) =>
    asList(statement.Action as string | string[]),
  );

describe('the stack without "accounts"', () => {
  it('is the template of the stack without the organization-mode plugin, resource for resource', () => {
    // The code's artifact key holds the packaging time: the same code, packaged another time.
    const artifactKeysOut = (template: CfnTemplate) =>
      JSON.parse(
        JSON.stringify(template).replace(/"S3Key":"[^"]*"/g, '"S3Key":"<artifact>"'),
      ) as CfnTemplate;
    expect(artifactKeysOut(single)).toEqual(artifactKeysOut(withoutPlugin));
  });

  it('has no queue, no worker and no worker role, and the monitor no queue URL', () => {
    for (const id of [...ORGANIZATION_RESOURCES, 'CheckAccountLambdaFunction']) {
      expect(single.Resources[id]).toBeUndefined();
    }
    const environment = resource(single, 'MonitorLambdaFunction').Properties?.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(Object.keys(environment.Variables)).not.toContain('WORK_QUEUE_URL');
    expect(resourcesOfType(single, 'AWS::Lambda::EventSourceMapping')).toEqual([]);
  });
});

describe('the stack in organization mode', () => {
  it('has an encrypted queue whose dead-letter queue takes a message after 3 receives, alarmed when not empty', () => {
    const queue = resource(organization, 'WorkQueue').Properties ?? {};
    const dlq = resource(organization, 'WorkDeadLetterQueue').Properties ?? {};
    const alarm = resource(organization, 'WorkDeadLetterAlarm').Properties ?? {};

    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(dlq.SqsManagedSseEnabled).toBe(true);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['WorkDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 3,
    });
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });

  it('runs the worker on the queue with ReportBatchItemFailures and the workerMaximumConcurrency parameter', () => {
    const [[, mapping] = ['', { Properties: {} }]] = resourcesOfType(
      organization,
      'AWS::Lambda::EventSourceMapping',
    );
    const worker = resource(organization, 'CheckAccountLambdaFunction').Properties ?? {};

    expect(mapping.Properties).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 25 },
      EventSourceArn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
    });
    expect(worker.Role).toEqual({ 'Fn::GetAtt': ['WorkerRole', 'Arn'] });
    expect(worker.Handler).toBe('handlers/check-account.handler');
    expect((worker.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      SCHEDULE_PERIOD_MS: '300000',
    });
    const planner = resource(organization, 'MonitorLambdaFunction').Properties ?? {};
    expect(planner.Environment).toMatchObject({
      Variables: { WORK_QUEUE_URL: { Ref: 'WorkQueue' } },
    });
  });

  it('gives each function its own role: the planner lists and queues, the worker checks and assumes the member role only', () => {
    const planner = actionsOf(organization, 'IamRoleLambdaExecution').filter(
      (action) => !action.startsWith('logs:'),
    );
    const worker = actionsOf(organization, 'WorkerRole');

    expect(planner.sort()).toEqual([
      'organizations:ListAccounts',
      'organizations:ListAccountsForParent',
      'organizations:ListChildren',
      'sqs:SendMessage',
    ]);
    expect(worker).toEqual(
      expect.arrayContaining([
        'bedrock:GetFoundationModelAvailability',
        'sts:AssumeRole',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'dynamodb:Query',
        'sns:Publish',
      ]),
    );
    expect(worker.filter((action) => action.includes('*'))).toEqual([]);
    const assume = statementsOf(organization, 'WorkerRole').find((s) =>
      asList(s.Action as string | string[]).includes('sts:AssumeRole'),
    );
    expect(assume?.Resource).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
      { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/bedrock-access-monitor-read' },
    ]);
    expect(ids.Resources.IamRoleLambdaExecution).toBeDefined();
    expect(
      actionsOf(ids, 'IamRoleLambdaExecution').filter((a) => a.startsWith('organizations:')),
    ).toEqual([]);
    const idsAssume = statementsOf(ids, 'WorkerRole').find((s) =>
      asList(s.Action as string | string[]).includes('sts:AssumeRole'),
    );
    expect(idsAssume?.Resource).toEqual(
      ['111111111111', '222222222222'].map((id) => ({
        'Fn::Sub': `arn:\${AWS::Partition}:iam::${id}:role/bedrock-access-monitor-read`,
      })),
    );
  });

  it('passes the official CloudFormation schema checks for every resource it adds', () => {
    const validator = new CfnSchemaValidator();
    const problems = createdResources(organization).flatMap(([id, r]) =>
      validator
        .validate(r.Type, r.Properties)
        .map((p) => `${id} (${r.Type}) ${p.path}: ${p.message}`),
    );
    expect(problems).toEqual([]);
  });

  it('names the worker role as the member-role template expects', () => {
    const template = readFileSync(
      join(import.meta.dirname, '../../member-role/template.yml'),
      'utf8',
    );
    expect(resource(organization, 'WorkerRole').Properties?.RoleName).toBe(
      'bedrock-access-monitor-dev-worker',
    );
    expect(template).toContain('bedrock-access-monitor-<stage>-worker');
  });
});

describe('organization mode with an event bus', () => {
  it("sends the members' transitions to the bus from the worker, whose role alone may put events", () => {
    const variables = (id: string) =>
      (
        resource(ids, id).Properties as {
          Environment: { Variables: Record<string, unknown> };
        }
      ).Environment.Variables;
    expect(variables('CheckAccountLambdaFunction').EVENT_BUS_NAME).toEqual({
      'Fn::If': ['SendToEventBus', 'ops-events', { Ref: 'AWS::NoValue' }],
    });
    expect(Object.keys(variables('MonitorLambdaFunction'))).not.toContain('EVENT_BUS_NAME');
    expect(actionsOf(ids, 'PutEventsPolicy')).toEqual(['events:PutEvents']);
    expect(resource(ids, 'PutEventsPolicy').Properties?.Roles).toEqual([{ Ref: 'WorkerRole' }]);
  });
});
