import type * as z from 'zod';

/**
 * What is wrong with an answer Bedrock sent, field by field, for a log line and a failure
 * message: `modelSummaries.2.modelLifecycle.status is "RETIRED"; regionAvailability is missing`.
 */
export function describeAnswerProblems(
  answer: unknown,
  issues: readonly z.core.$ZodIssue[],
): string {
  const problems = issues.map((issue) => {
    const field = issue.path.join('.') || '(body)';
    const value = valueAt(answer, issue.path);
    return value === undefined ? `${field} is missing` : `${field} is ${describeValue(value)}`;
  });
  return `unexpected answer from Bedrock: ${problems.join('; ')}`;
}

function describeValue(value: unknown): string {
  return value instanceof Date ? `the date ${value.toISOString()}` : JSON.stringify(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
