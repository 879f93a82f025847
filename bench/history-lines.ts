/**
 * Part 5, the grant history's lines: their size as the function's logger (Powertools, with the
 * service name and trace id a deployed run has) writes them, for the longest model id and region
 * the bench watches and an access-denied error as AWS words it, naming the function's role.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { summaryLogFields } from '../src/lambda/run-telemetry.ts';
import { baselineLine, failedCheckLine, writeHistoryLine } from '../src/monitor/history-log.ts';
import type { RunSummary } from '../src/monitor/run-summary.ts';
import { writtenDuring } from '../test/support/captured-output.ts';
import type { HistoryLineBytes } from './cost.ts';
import { ACCOUNT } from './fixtures.ts';
import { LAMBDA_ENVIRONMENT, POWERTOOLS_ENVIRONMENT } from './handler-runs.ts';

const OBSERVED_AT = '2026-11-24T12:00:00.000Z';
// How AWS words a denied GetFoundationModelAvailability for the function's role.
const DENIED = `User: arn:aws:sts::${ACCOUNT}:assumed-role/bedrock-access-monitor-prod-us-east-1-lambdaRole/bedrock-access-monitor-prod-monitor is not authorized to perform: bedrock:GetFoundationModelAvailability because no identity-based policy allows the bedrock:GetFoundationModelAvailability action`;

export async function measureHistoryLineBytes(options: {
  modelIds: readonly string[];
  regions: readonly string[];
}): Promise<HistoryLineBytes> {
  const longest = (values: readonly string[]) =>
    values.reduce((a, b) => (b.length > a.length ? b : a), '');
  const pair = { region: longest(options.regions), modelId: longest(options.modelIds) };
  const saved = { ...process.env };
  Object.assign(process.env, POWERTOOLS_ENVIRONMENT, LAMBDA_ENVIRONMENT);
  try {
    const logger = new Logger();
    const log = {
      info: (message: string, fields?: Record<string, unknown>) =>
        logger.info(message, fields ?? {}),
      warn: (message: string, fields?: Record<string, unknown>) =>
        logger.warn(message, fields ?? {}),
    };
    const failure = {
      ...pair,
      ok: false as const,
      kind: 'denied' as const,
      errorName: 'AccessDeniedException',
      message: DENIED,
      durationMs: 40,
    };
    const bytesOf = async (write: () => void) =>
      (await writtenDuring(write)).reduce(
        (total, line) => total + Buffer.byteLength(`${line}\n`),
        0,
      );
    const summary = (failures: RunSummary['failures']) => () =>
      logger.info('Run summary', summaryLogFields(quietSummary(failures)));

    const firstSeen = await bytesOf(() =>
      writeHistoryLine(
        log,
        baselineLine(
          {
            account: ACCOUNT,
            ...pair,
            state: 'ENABLED',
            since: OBSERVED_AT,
            raw: {
              agreement: 'AVAILABLE',
              agreementError: null,
              authorization: 'AUTHORIZED',
              entitlement: 'AVAILABLE',
              region: 'AVAILABLE',
            },
            notFound: null,
            pendingRevocation: null,
            version: 1,
            outbox: [],
          },
          { account: ACCOUNT },
        ),
      ),
    );
    const checkFailed = await bytesOf(() =>
      writeHistoryLine(log, failedCheckLine(failure, { account: ACCOUNT }, OBSERVED_AT)),
    );
    const withFailure = await bytesOf(
      summary([{ ...pair, kind: 'denied', errorName: 'AccessDeniedException', message: DENIED }]),
    );
    const without = await bytesOf(summary([]));
    return { firstSeen, checkFailed, summaryPerFailure: withFailure - without };
  } finally {
    process.env = saved;
  }
}

function quietSummary(failures: RunSummary['failures']): RunSummary {
  return {
    account: ACCOUNT,
    startedAt: OBSERVED_AT,
    durationMs: 1200,
    checks: 720,
    deferred: 0,
    states: {
      NOT_OFFERED: 0,
      NOT_AUTHORIZED: 0,
      FAILED: 0,
      IN_PROGRESS: 0,
      NOT_ENABLED: 0,
      ENABLED: 720 - failures.length,
      UNKNOWN: failures.length,
    },
    transitions: [],
    notifications: { published: 0, failed: 0 },
    failures,
    conflicts: 0,
    skippedItems: [],
    pairs: [],
  };
}
