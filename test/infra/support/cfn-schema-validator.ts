import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { REPO_ROOT } from './serverless-package.ts';

/** The CloudFormation resource provider schemas, kept in the repository (see its README). */
export const CFN_SCHEMA_DIR = join(REPO_ROOT, 'test', 'infra', 'cfn-schemas');

/** `AWS::Lambda::Function` -> `aws-lambda-function.json`, the file naming of that folder. */
export function schemaFileFor(resourceType: string): string {
  return `${resourceType.toLowerCase().split('::').join('-')}.json`;
}

export interface PropertyProblem {
  path: string;
  message: string;
}

type Schema = Record<string, unknown>;

// A one-key intrinsic ({"Ref": ...}, {"Fn::GetAtt": ...}, {"Condition": ...}) stands for any
// value; CloudFormation resolves it at deploy time (README of the schema folder).
const INTRINSIC: Schema = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  patternProperties: { '^(Ref|Condition|Fn::[A-Za-z0-9]+)$': {} },
  additionalProperties: false,
};

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Schema at a value position: the value, or an intrinsic in its place. */
function valuePosition(schema: unknown): unknown {
  return isSchema(schema) ? { anyOf: [allowIntrinsics(schema), INTRINSIC] } : schema;
}

function mapValues(record: unknown, map: (value: unknown) => unknown): unknown {
  if (!isSchema(record)) return record;
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

/** A copy of a schema in which every value position also accepts an intrinsic function. */
function allowIntrinsics(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (out.properties) out.properties = mapValues(out.properties, valuePosition);
  if (out.patternProperties)
    out.patternProperties = mapValues(out.patternProperties, valuePosition);
  if (isSchema(out.additionalProperties))
    out.additionalProperties = valuePosition(out.additionalProperties);
  if (Array.isArray(out.items)) out.items = out.items.map(valuePosition);
  else if (isSchema(out.items)) out.items = valuePosition(out.items);
  if (Array.isArray(out.prefixItems)) out.prefixItems = out.prefixItems.map(valuePosition);
  if (isSchema(out.additionalItems)) out.additionalItems = valuePosition(out.additionalItems);
  if (out.definitions) {
    out.definitions = mapValues(out.definitions, (d) => (isSchema(d) ? allowIntrinsics(d) : d));
  }
  for (const combinator of ['anyOf', 'oneOf', 'allOf'] as const) {
    const members = out[combinator];
    if (Array.isArray(members)) {
      out[combinator] = members.map((m) => (isSchema(m) ? allowIntrinsics(m) : m));
    }
  }
  for (const key of ['not', 'if', 'then', 'else'] as const) {
    const sub = out[key];
    if (isSchema(sub)) out[key] = allowIntrinsics(sub);
  }
  if (out.dependencies) {
    out.dependencies = mapValues(out.dependencies, (d) => (isSchema(d) ? allowIntrinsics(d) : d));
  }
  return out;
}

// cfn-lint patterns are Python regular expressions: some use identity escapes (`\_`, `\-`) that
// the JavaScript `u` flag refuses, and `\Z` for the end of input.
const cfnRegExp = Object.assign(
  (pattern: string, flags: string) => {
    const source = pattern.replace(/(?<!\\)\\Z/g, '$');
    try {
      return new RegExp(source, flags);
    } catch {
      return new RegExp(source, flags.replace('u', ''));
    }
  },
  { code: 'cfnRegExp' },
);

const present = (data: Record<string, unknown>, name: string) => data[name] !== undefined;
const isIntrinsic = (value: unknown) =>
  isSchema(value) &&
  Object.keys(value).length === 1 &&
  /^(Ref|Condition|Fn::[A-Za-z0-9]+)$/.test(Object.keys(value)[0] as string);

function createAjv(): Ajv {
  const ajv = new Ajv({
    strict: false, // cfn-lint's annotations (insertionOrder, tagging, ...) are not JSON Schema
    allErrors: true,
    coerceTypes: true, // CloudFormation converts "30" to 30 and "true" to true
    validateFormats: false, // formats are cfn-lint's own (AWS::IAM::Role.Arn, json, ...)
    validateSchema: false,
    code: { regExp: cfnRegExp },
  });
  // The cfn-lint keywords that carry meaning.
  ajv.addKeyword({
    keyword: 'requiredXor',
    type: 'object',
    schemaType: 'array',
    validate: (names: string[], data: Record<string, unknown>) =>
      names.filter((name) => present(data, name)).length === 1,
  });
  ajv.addKeyword({
    keyword: 'requiredOr',
    type: 'object',
    schemaType: 'array',
    validate: (names: string[], data: Record<string, unknown>) =>
      names.some((name) => present(data, name)),
  });
  ajv.addKeyword({
    keyword: 'dependentExcluded',
    type: 'object',
    schemaType: 'object',
    validate: (rules: Record<string, string[]>, data: Record<string, unknown>) =>
      Object.entries(rules).every(
        ([name, excluded]) =>
          !present(data, name) || excluded.every((other) => !present(data, other)),
      ),
  });
  ajv.addKeyword({
    keyword: 'dependentRequired',
    type: 'object',
    schemaType: 'object',
    validate: (rules: Record<string, string[]>, data: Record<string, unknown>) =>
      Object.entries(rules).every(
        ([name, needed]) => !present(data, name) || needed.every((other) => present(data, other)),
      ),
  });
  ajv.addKeyword({
    keyword: 'uniqueKeys',
    type: 'array',
    schemaType: 'array',
    validate: (keys: string[], data: unknown[]) => {
      const seen = new Set<string>();
      for (const item of data) {
        if (!isSchema(item) || isIntrinsic(item)) continue;
        const identity = JSON.stringify(keys.map((key) => item[key]));
        if (seen.has(identity)) return false;
        seen.add(identity);
      }
      return true;
    },
  });
  // Draft 2020-12 positional items, as draft-07 tuple items.
  ajv.addKeyword({
    keyword: 'prefixItems',
    type: 'array',
    schemaType: 'array',
    macro: (schemas: unknown[]) => ({ items: schemas }),
  });
  return ajv;
}

/** Validates resource Properties against the schemas in CFN_SCHEMA_DIR. */
export class CfnSchemaValidator {
  private readonly ajv = createAjv();
  private readonly compiled = new Map<string, { validate: ValidateFunction; readOnly: string[] }>();

  constructor(private readonly dir: string = CFN_SCHEMA_DIR) {}

  hasSchema(resourceType: string): boolean {
    return existsSync(join(this.dir, schemaFileFor(resourceType)));
  }

  /** Every problem with one resource's Properties; empty when they are valid. */
  validate(resourceType: string, properties: unknown): PropertyProblem[] {
    const { validate, readOnly } = this.compile(resourceType);
    // Coercion rewrites values in place: validate a copy.
    const data = structuredClone(properties ?? {});
    const problems: PropertyProblem[] = [];
    if (!validate(data)) {
      problems.push(...(validate.errors ?? []).filter(isRootCause).map(describeError));
    }
    for (const pointer of readOnly) {
      if (valueAt(properties, pointer) !== undefined) {
        problems.push({ path: pointer, message: 'is read-only and must not be set in a template' });
      }
    }
    return problems;
  }

  private compile(resourceType: string) {
    const cached = this.compiled.get(resourceType);
    if (cached) return cached;
    const raw = JSON.parse(readFileSync(join(this.dir, schemaFileFor(resourceType)), 'utf8'));
    const { $schema: _schema, $id: _id, readOnlyProperties, ...schema } = raw;
    const entry = {
      validate: this.ajv.compile(allowIntrinsics(schema)),
      readOnly: (readOnlyProperties ?? []) as string[],
    };
    this.compiled.set(resourceType, entry);
    return entry;
  }
}

// The intrinsic branch of every value position fails too; its errors only restate the first.
function isRootCause(error: ErrorObject): boolean {
  if (error.keyword === 'anyOf') return false;
  return !error.schemaPath.includes('/anyOf/1/');
}

function describeError(error: ErrorObject): PropertyProblem {
  const detail =
    error.params && Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : '';
  return { path: error.instancePath || '/', message: `${error.message ?? error.keyword}${detail}` };
}

/** The value at a schema pointer such as `/properties/Arn` within Properties. */
function valueAt(properties: unknown, pointer: string): unknown {
  const parts = pointer.replace(/^\/properties\//, '').split('/');
  let value: unknown = properties;
  for (const part of parts) {
    if (!isSchema(value)) return undefined;
    value = value[part];
  }
  return value;
}
