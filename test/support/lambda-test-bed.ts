import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readHandlerEnvironment } from '../../src/config/handler-environment.ts';
import {
  createMonitorHandler,
  type MonitorHandler,
  type MonitorHandlerOptions,
} from '../../src/lambda/create-monitor-handler.ts';
import { parseScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from './dynalite.ts';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from './eventbridge-endpoint.ts';
import { temporaryDirectory } from './fixtures.ts';
import { FUNCTION_ARN, lambdaContext } from './lambda-context.ts';
import { type SnsEndpoint, startSnsEndpoint } from './sns-endpoint.ts';

export const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:bedrock-access-alerts';
export { FUNCTION_ARN };

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/**
 * The Lambda's world on 127.0.0.1: the Bedrock simulator, dynalite with the state table, and
 * the SNS stand-in, reached through the SDK's standard AWS_ENDPOINT_URL_* variables.
 */
export class LambdaTestBed {
  readonly logs: LogLine[] = [];
  readonly metrics: Array<{ name: string; value: number }> = [];
  /** The observation time of the next invocation; `advance` moves it like the schedule. */
  clock = Date.UTC(2026, 10, 24, 12, 0);

  private constructor(
    readonly simulator: RunningSimulator,
    readonly dynamo: RunningDynalite,
    readonly sns: SnsEndpoint,
    /** Started only with the `eventBus` option; EVENT_BUS_NAME then names a bus it has. */
    readonly eventBridge: EventBridgeEndpoint | undefined,
    readonly configPath: string,
    private readonly cleanup: () => Promise<void>,
  ) {}

  /**
   * `followClock`: the simulator's clock is the bed's `clock` (a model past its end of life on
   * that clock is not listed), instead of the machine's. `eventBus`: an EventBridge endpoint
   * too, with a bus of that name set as EVENT_BUS_NAME.
   */
  static async start(
    scenarioYaml: string,
    configYaml: string,
    options: { followClock?: boolean; eventBus?: string } = {},
  ): Promise<LambdaTestBed> {
    const dir = await temporaryDirectory();
    let bed: LambdaTestBed | undefined;
    const simulator = await startSimulator({
      scenario: parseScenario(scenarioYaml, 'scenario.yml'),
      ...(options.followClock === true ? { clock: () => bed?.clock ?? Date.now() } : {}),
    });
    const dynamo = await startDynalite();
    const sns = await startSnsEndpoint({ topics: [TOPIC_ARN] });
    const eventBridge =
      options.eventBus === undefined
        ? undefined
        : await startEventBridgeEndpoint({ buses: [options.eventBus] });
    const configPath = join(dir.path, 'watched-models.yml');
    await writeFile(configPath, configYaml);
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_BEDROCK: simulator.url,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: simulator.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_SNS: sns.url,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      STATE_TABLE_NAME: dynamo.tableName,
      ALERT_TOPIC_ARN: TOPIC_ARN,
      WATCHED_MODELS_FILE: configPath,
      POWERTOOLS_SERVICE_NAME: 'bedrock-access-monitor-test',
      POWERTOOLS_METRICS_NAMESPACE: 'BedrockAccessMonitor',
      ...(eventBridge === undefined || options.eventBus === undefined
        ? {}
        : { AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url, EVENT_BUS_NAME: options.eventBus }),
    });
    bed = new LambdaTestBed(simulator, dynamo, sns, eventBridge, configPath, async () => {
      process.env = saved;
      await Promise.all([simulator.close(), dynamo.close(), sns.close(), eventBridge?.close()]);
      await dir.remove();
    });
    return bed;
  }

  /**
   * A handler as a new container would build it, from the environment as it is now; `parts`
   * replace its notifier, its verifier or its Bedrock clients.
   */
  newContainer(
    parts: Pick<
      MonitorHandlerOptions,
      'notifier' | 'eventBus' | 'verifier' | 'clientForRegion'
    > = {},
  ): MonitorHandler {
    const line =
      (level: LogLine['level']) =>
      (message: string, fields: Record<string, unknown> = {}) =>
        this.logs.push({ level, message, fields });
    return createMonitorHandler({
      environment: readHandlerEnvironment(),
      log: { info: line('info'), warn: line('warn'), error: line('error') },
      metrics: {
        addMetric: (name, _unit, value) => this.metrics.push({ name, value }),
        publishStoredMetrics: () => {},
      },
      now: () => new Date(this.clock),
      ...parts,
    });
  }

  /**
   * Invokes `handler` as the schedule would: the scheduled event of the current clock, and a
   * context with a little under two minutes left (lambda-context.ts), or `remainingMs`.
   */
  invoke(handler: MonitorHandler, remainingMs?: number) {
    return handler(
      {
        source: 'aws.events',
        'detail-type': 'Scheduled Event',
        time: new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
      lambdaContext(remainingMs === undefined ? {} : { remainingMs }),
    );
  }

  /** Moves the clock to the next scheduled run (5 minutes) and the simulator to `tick`. */
  nextRun(tick: number): void {
    this.clock += 5 * 60_000;
    this.simulator.setTick(tick);
  }

  /** DynamoDB write requests received so far. */
  writes(): number {
    return this.dynamo.requests.filter((op) =>
      ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].includes(op),
    ).length;
  }

  close(): Promise<void> {
    return this.cleanup();
  }
}
