import type { PolicyStatement } from './cfn-template.ts';

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

const list = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

/** IAM's wildcard match: `*` any run of characters, `?` one; actions case-insensitive. */
export function iamPatternMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

/**
 * The Allow statements of `policy` that grant `action` on `resource`, conditions not evaluated
 * (the caller checks what they name). This policy has no Deny, NotAction or NotResource.
 */
export function grantingStatements(
  policy: PolicyDocument,
  action: string,
  resource: string,
): PolicyStatement[] {
  return policy.Statement.filter(
    (statement) =>
      statement.Effect === 'Allow' &&
      list(statement.Action).some((pattern) => iamPatternMatches(pattern, action, true)) &&
      list(statement.Resource).some((pattern) => iamPatternMatches(pattern, resource)),
  );
}

export const statementActions = (statement: PolicyStatement): string[] => list(statement.Action);
export const statementResources = (statement: PolicyStatement): string[] =>
  list(statement.Resource);
