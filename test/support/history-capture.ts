import { Logger } from '@aws-lambda-powertools/logger';
import { readHandlerEnvironment } from '../../src/config/handler-environment.ts';
import { createMonitorHandler } from '../../src/lambda/create-monitor-handler.ts';
import type { RunSummary } from '../../src/monitor/run-summary.ts';
import { writtenDuring } from './captured-output.ts';
import { LambdaTestBed } from './lambda-test-bed.ts';

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-text-express-v1';

/** Two models in three regions: the grant history's example, and its acceptance test. */
export const HISTORY_CONFIG = `regions: [us-east-1, us-west-2, eu-central-1]
models:
  - id: ${CLAUDE}
  - id: ${TITAN}
`;

/**
 * Five scheduled runs (ticks 0 to 4): every pair first seen at tick 0; Claude requested and
 * then ready in us-west-2; Titan revoked in us-west-2 (two NOT_ENABLED answers, confirmRevocation
 * 2); Claude's agreement failing in us-east-1; and from tick 2 on, checks failing in two
 * regions for two causes (access denied, an answer without its fields).
 */
export const HISTORY_SCENARIO = `account: "123456789012"
catalog: [{ id: ${CLAUDE} }, { id: ${TITAN} }]
grants:
  - region: us-west-2
    model: ${CLAUDE}
    timeline: [{ at: 0, state: NOT_ENABLED }, { at: 1, state: IN_PROGRESS }, { at: 2, state: ENABLED }]
  - region: us-west-2
    model: ${TITAN}
    timeline: [{ at: 0, state: ENABLED }, { at: 3, state: NOT_ENABLED }]
  - region: us-east-1
    model: ${CLAUDE}
    timeline:
      - { at: 0, state: IN_PROGRESS }
      - { at: 4, state: FAILED, message: The payment method on file was declined. }
faults:
  - region: eu-central-1
    models: [${CLAUDE}]
    from: 2
    accessDenied: {}
  - region: us-east-1
    models: [${TITAN}]
    from: 2
    malformed: { kind: missing-fields }
`;

export const HISTORY_RUNS = 5;

// The POWERTOOLS_SERVICE_NAME serverless.yml sets for the default stage.
const SERVICE_NAME = 'bedrock-access-monitor-dev';

export interface HistoryCapture {
  bed: LambdaTestBed;
  /** Every line the handler wrote, stdout and stderr, in order. */
  lines: string[];
  summaries: RunSummary[];
}

/**
 * Runs the monitor handler, with the Powertools logger handlers/monitor.ts uses, five times on
 * the scenario above (simulator, dynalite, SNS stand-in) and keeps the lines it writes. Each
 * line's `timestamp` (the logger's own clock) is set to the run's scheduled time, so the
 * lines are the same every time; nothing else is changed. The caller closes `bed`.
 */
export async function captureHistoryLines(): Promise<HistoryCapture> {
  const bed = await LambdaTestBed.start(HISTORY_SCENARIO, HISTORY_CONFIG);
  try {
    const logger = new Logger({ serviceName: SERVICE_NAME });
    const handler = createMonitorHandler({
      environment: readHandlerEnvironment(),
      // handlers/monitor.ts, word for word.
      log: {
        info: (message, fields) => logger.info(message, fields ?? {}),
        warn: (message, fields) => logger.warn(message, fields ?? {}),
        error: (message, fields) => logger.error(message, fields ?? {}),
      },
      metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
      now: () => new Date(bed.clock),
    });
    const lines: string[] = [];
    const summaries: RunSummary[] = [];
    for (let tick = 0; tick < HISTORY_RUNS; tick += 1) {
      if (tick > 0) bed.nextRun(tick);
      const written = await writtenDuring(async () => summaries.push(await bed.invoke(handler)));
      const at = new Date(bed.clock).toISOString();
      lines.push(...written.map((line) => atScheduledTime(line, at)));
    }
    return { bed, lines, summaries };
  } catch (error) {
    await bed.close();
    throw error;
  }
}

function atScheduledTime(line: string, at: string): string {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  if (typeof parsed.timestamp !== 'string') throw new Error(`no timestamp in the line ${line}`);
  return JSON.stringify({ ...parsed, timestamp: at });
}
