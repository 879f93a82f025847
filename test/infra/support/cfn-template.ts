import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CfnResource {
  Type: string;
  Condition?: string;
  Properties?: Record<string, unknown>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Conditions?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The stack template `serverless package` wrote (the one a deploy sends to CloudFormation). */
export function readTemplate(outDir: string): CfnTemplate {
  return JSON.parse(
    readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
}

export function resource(template: CfnTemplate, logicalId: string): CfnResource {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`the template has no resource ${logicalId}`);
  return found;
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/**
 * Evaluates a condition of the template as CloudFormation would. serverless resolves the
 * parameters into literals, so Fn::Equals/Not/And/Or over strings is all there is.
 */
export function conditionHolds(template: CfnTemplate, name: string): boolean {
  const expression = template.Conditions?.[name];
  if (expression === undefined) throw new Error(`the template has no condition ${name}`);
  const value = evaluate(template, expression);
  if (typeof value !== 'boolean') throw new Error(`condition ${name} is not a boolean`);
  return value;
}

function evaluate(template: CfnTemplate, expression: unknown): string | boolean {
  if (typeof expression === 'string') return expression;
  const [[fn, args] = []] = Object.entries(expression as Record<string, unknown>);
  const list = args as unknown[];
  switch (fn) {
    case 'Fn::Equals':
      return evaluate(template, list[0]) === evaluate(template, list[1]);
    case 'Fn::Not':
      return !evaluate(template, list[0]);
    case 'Fn::And':
      return list.every((item) => evaluate(template, item) === true);
    case 'Fn::Or':
      return list.some((item) => evaluate(template, item) === true);
    case 'Condition':
      return conditionHolds(template, args as string);
    default:
      throw new Error(`cannot evaluate ${JSON.stringify(expression)} without AWS`);
  }
}

/** The resources CloudFormation would create: those without a condition or whose condition holds. */
export function createdResources(template: CfnTemplate): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(
    ([, r]) => r.Condition === undefined || conditionHolds(template, r.Condition),
  );
}

export function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Every statement of every IAM role (trust and inline policies), policy and managed policy. */
export function iamStatements(
  template: CfnTemplate,
): { owner: string; statement: PolicyStatement }[] {
  const found: { owner: string; statement: PolicyStatement }[] = [];
  const add = (owner: string, document: unknown) => {
    const statements = (document as { Statement?: PolicyStatement | PolicyStatement[] })?.Statement;
    for (const statement of asList(statements)) found.push({ owner, statement });
  };
  for (const [id, r] of Object.entries(template.Resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Role') {
      add(`${id} (trust policy)`, p.AssumeRolePolicyDocument);
      for (const policy of asList(p.Policies as { PolicyDocument: unknown }[] | undefined)) {
        add(id, policy.PolicyDocument);
      }
    } else if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      add(id, p.PolicyDocument);
    }
  }
  return found;
}

/** Statements of the resource-based policies: key policies, topic, bucket and queue policies. */
export function resourcePolicyStatements(
  template: CfnTemplate,
): { owner: string; statement: PolicyStatement }[] {
  const documents: Record<string, string> = {
    'AWS::KMS::Key': 'KeyPolicy',
    'AWS::SNS::TopicPolicy': 'PolicyDocument',
    'AWS::S3::BucketPolicy': 'PolicyDocument',
    'AWS::SQS::QueuePolicy': 'PolicyDocument',
  };
  const found: { owner: string; statement: PolicyStatement }[] = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    const key = documents[r.Type];
    if (key === undefined) continue;
    const document = r.Properties?.[key] as { Statement?: PolicyStatement | PolicyStatement[] };
    for (const statement of asList(document?.Statement)) found.push({ owner: id, statement });
  }
  return found;
}
