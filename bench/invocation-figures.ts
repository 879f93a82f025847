/**
 * What one handler invocation did, from what it wrote to stdout and what it returned: the
 * scheduled handler and the worker both log one "Run summary" line per account they checked
 * (src/lambda/run-telemetry.ts summaryLogFields); the worker returns its batchItemFailures.
 */
import type { InvocationResult } from './child-protocol.ts';

export type InvocationFigures = Omit<InvocationResult, 'wallMs' | 'cpuMs'>;

interface SummaryLine {
  message?: unknown;
  _aws?: unknown;
  checks?: number;
  states?: Record<string, number>;
  transitions?: number;
  notifications?: { published?: number };
}

export function invocationFigures(stdout: string, response: unknown): InvocationFigures {
  const lines = stdout.split('\n').filter((line) => line.length > 0);
  const parsed = lines.map(parseLine);
  const summaries = parsed.filter(
    (line): line is SummaryLine => line !== undefined && line.message === 'Run summary',
  );
  const sum = (of: (line: SummaryLine) => number | undefined) =>
    summaries.reduce((total, line) => total + (of(line) ?? 0), 0);
  const failures = (response as { batchItemFailures?: unknown[] } | null | undefined)
    ?.batchItemFailures;
  return {
    runs: summaries.length,
    checks: sum((line) => line.checks),
    unknown: sum((line) => line.states?.UNKNOWN),
    transitions: sum((line) => line.transitions),
    published: sum((line) => line.notifications?.published),
    failedMessages: Array.isArray(failures) ? failures.length : 0,
    logBytes: Buffer.byteLength(stdout, 'utf8'),
    logLines: lines.length,
    logMessages: parsed.map(messageOf),
  };
}

function parseLine(line: string): SummaryLine | undefined {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null ? (parsed as SummaryLine) : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(line: SummaryLine | undefined): string {
  if (line === undefined) return '(text)';
  if (typeof line.message === 'string') return line.message;
  return line._aws === undefined ? '(json)' : '(EMF metrics)';
}
