/**
 * The deployed handler bundle, run as Lambda runs it (bench/handler-child.ts, a fresh process):
 * import, then a scheduled invocation on the state part 2 left, so the run is a quiet one. It
 * gives the durations, log bytes and peak RSS that parts 4 and 5 need.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseScenario, startSimulator } from '../src/simulator/index.ts';
import type { RunningDynalite } from '../test/support/dynalite.ts';
import type { SnsEndpoint } from '../test/support/sns-endpoint.ts';
import { runChild } from './bundle.ts';
import type { HandlerJob, HandlerResult } from './child-protocol.ts';
import { FUNCTION_ARN, SCALE, scenarioYaml, sdkEnvironment, TOPIC_ARN } from './fixtures.ts';

export interface HandlerRunSpec {
  name: string;
  tableName: string;
  /** Config text for WATCHED_MODELS_FILE; undefined: the config bundled into the handler. */
  configYaml: string | undefined;
  /** Models the simulator must know. */
  models: readonly string[];
  invocations: number;
}

export interface HandlerRun extends HandlerResult {
  name: string;
  tableName: string;
}

// serverless.yml: POWERTOOLS_SERVICE_NAME is bedrock-access-monitor-${sls:stage} (custom.metricsService)
// and POWERTOOLS_METRICS_NAMESPACE is custom.metricsNamespace; the stage only changes line lengths.
export const POWERTOOLS_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: 'bedrock-access-monitor-prod',
  POWERTOOLS_METRICS_NAMESPACE: 'BedrockAccessMonitor',
};
// What Lambda sets for every invocation; Powertools adds the trace id to each log line.
export const LAMBDA_ENVIRONMENT = {
  AWS_LAMBDA_FUNCTION_NAME: 'bedrock-access-monitor-prod-monitor',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  _X_AMZN_TRACE_ID:
    'Root=1-67a1b2c3-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0;Lineage=1:abcdef01:0',
};

/** What EventBridge's schedule hands the scheduled handler. */
const SCHEDULED_EVENT = { source: 'aws.events', 'detail-type': 'Scheduled Event' };

export async function measureHandlerRuns(options: {
  specs: HandlerRunSpec[];
  handlerBundle: string;
  childBundle: string;
  workDir: string;
  dynamo: RunningDynalite;
  sns: SnsEndpoint;
  timeoutSeconds: number;
  progress: (line: string) => void;
}): Promise<HandlerRun[]> {
  const runs: HandlerRun[] = [];
  for (const spec of options.specs) {
    // The scale scenario's Bedrock: 25 ms a call, 10 calls a second per region.
    const simulator = await startSimulator({
      scenario: parseScenario(
        scenarioYaml({
          models: spec.models,
          latencyMs: SCALE.latencyMs,
          rate: { ratePerSecond: SCALE.ratePerSecond, burst: SCALE.burst },
        }),
        'bench-handler.yml',
      ),
    });
    try {
      const configFile =
        spec.configYaml === undefined ? undefined : join(options.workDir, `${spec.tableName}.yml`);
      if (configFile !== undefined) await writeFile(configFile, spec.configYaml as string);
      const env = {
        ...sdkEnvironment({
          AWS_ENDPOINT_URL_BEDROCK: simulator.url,
          AWS_ENDPOINT_URL_BEDROCK_RUNTIME: simulator.url,
          AWS_ENDPOINT_URL_DYNAMODB: options.dynamo.endpoint,
          AWS_ENDPOINT_URL_SNS: options.sns.url,
        }),
        ...POWERTOOLS_ENVIRONMENT,
        ...LAMBDA_ENVIRONMENT,
        STATE_TABLE_NAME: spec.tableName,
        ALERT_TOPIC_ARN: TOPIC_ARN,
        ...(configFile === undefined ? {} : { WATCHED_MODELS_FILE: configFile }),
      };
      const result = await runChild<HandlerJob, HandlerResult>(
        options.childBundle,
        {
          bundle: options.handlerBundle,
          functionArn: FUNCTION_ARN,
          remainingMs: options.timeoutSeconds * 1000,
          events: Array.from({ length: spec.invocations }, () => SCHEDULED_EVENT),
        },
        env,
      );
      runs.push({ name: spec.name, tableName: spec.tableName, ...result });
      const first = result.invocations[0];
      options.progress(
        `deployed handler, ${spec.name}: import ${Math.round(result.importMs)} ms, first run ${Math.round(first?.wallMs ?? Number.NaN)} ms, ${first?.unknown} UNKNOWN, peak RSS ${Math.round(result.maxRssKib / 1024)} MiB`,
      );
    } finally {
      await simulator.close();
    }
  }
  return runs;
}
