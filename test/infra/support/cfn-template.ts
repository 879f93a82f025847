import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CfnResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
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

/**
 * A template value as CloudFormation would see it with this template's conditions: every
 * Fn::If replaced by the branch its condition picks, a `Ref: AWS::NoValue` dropped.
 */
export function resolveConditions(template: CfnTemplate, value: unknown): unknown {
  const resolved = resolveValue(template, value);
  return resolved === NO_VALUE ? undefined : resolved;
}

const NO_VALUE = Symbol('AWS::NoValue');

function resolveValue(template: CfnTemplate, value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => resolveValue(template, item)).filter((item) => item !== NO_VALUE);
  }
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === 'Ref' && record.Ref === 'AWS::NoValue') return NO_VALUE;
  if (keys.length === 1 && keys[0] === 'Fn::If') {
    const [condition, whenTrue, whenFalse] = record['Fn::If'] as [string, unknown, unknown];
    return resolveValue(template, conditionHolds(template, condition) ? whenTrue : whenFalse);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    const resolved = resolveValue(template, item);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

/** The logical ids a value refers to: Ref, Fn::GetAtt and the ${Name} of Fn::Sub strings. */
export function referencedLogicalIds(value: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (item: unknown) => {
    if (Array.isArray(item)) {
      item.forEach(visit);
      return;
    }
    if (typeof item !== 'object' || item === null) return;
    for (const [key, inner] of Object.entries(item as Record<string, unknown>)) {
      if (key === 'Ref' && typeof inner === 'string') found.add(inner);
      else if (key === 'Fn::GetAtt') {
        const target = Array.isArray(inner) ? inner[0] : String(inner).split('.')[0];
        if (typeof target === 'string') found.add(target);
      } else if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(inner) ? inner : [inner, {}];
        const local = new Set(Object.keys((variables ?? {}) as object));
        if (typeof text === 'string') {
          for (const match of text.matchAll(/\$\{([^}!]+)\}/g)) {
            const name = (match[1] as string).split('.')[0] as string;
            if (!local.has(name)) found.add(name);
          }
        }
        visit(variables);
      } else visit(inner);
    }
  };
  visit(value);
  for (const id of [...found]) if (id.startsWith('AWS::')) found.delete(id);
  return found;
}
