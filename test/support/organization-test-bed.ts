/**
 * Organization mode's world on 127.0.0.1: the simulator (Bedrock, STS, Organizations), dynalite
 * with the state table, the SNS and SQS stand-ins, all reached through the SDK's standard
 * AWS_ENDPOINT_URL_* variables; the planner (handlers/monitor.ts's handler in organization mode)
 * and the worker (handlers/check-account.ts's) built as Lambda builds them, and the messages
 * the planner queued handed to the worker as the SQS event Lambda would deliver.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SQSRecord } from 'aws-lambda';
import { readHandlerEnvironment } from '../../src/config/handler-environment.ts';
import { createScheduledHandler } from '../../src/lambda/create-scheduled-handler.ts';
import { createWorkerHandler, type WorkerHandler } from '../../src/lambda/create-worker-handler.ts';
import { parseScenario, type RunningSimulator, startSimulator } from '../../src/simulator/index.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from './dynalite.ts';
import { type DynamoDbFaultProxy, startDynamoDbFaultProxy } from './dynamodb-fault-proxy.ts';
import { type EventBridgeEndpoint, startEventBridgeEndpoint } from './eventbridge-endpoint.ts';
import { temporaryDirectory } from './fixtures.ts';
import { lambdaContext } from './lambda-context.ts';
import type { LogLine } from './lambda-test-bed.ts';
import { type SnsEndpoint, startSnsEndpoint } from './sns-endpoint.ts';
import { type SentMessage, type SqsEndpoint, startSqsEndpoint } from './sqs-endpoint.ts';
import { sqsEvent, sqsRecord } from './sqs-event.ts';

export const HUB_ACCOUNT = '999999999999';
export const TOPIC_ARN = `arn:aws:sns:us-east-1:${HUB_ACCOUNT}:bedrock-access-alerts`;
export const QUEUE_NAME = 'bedrock-access-monitor-work';
export const SCHEDULE_PERIOD_MS = 300_000;
const PLANNER_ARN = `arn:aws:lambda:us-east-1:${HUB_ACCOUNT}:function:bedrock-access-monitor-dev-monitor`;
const WORKER_ARN = `arn:aws:lambda:us-east-1:${HUB_ACCOUNT}:function:bedrock-access-monitor-dev-checkAccount`;

export class OrganizationTestBed {
  readonly logs: LogLine[] = [];
  readonly metrics: Array<{ name: string; value: number }> = [];
  /** The schedule's time of the next period. */
  clock = Date.UTC(2026, 10, 24, 12, 0);
  private readonly buses: EventBridgeEndpoint[] = [];
  /** Messages the planner queued that no worker invocation has been given yet. */
  private undelivered = 0;

  private constructor(
    readonly simulator: RunningSimulator,
    readonly dynamo: RunningDynalite,
    readonly sns: SnsEndpoint,
    readonly sqs: SqsEndpoint,
    /** In front of dynalite: every DynamoDB request the handlers sent, in order. */
    readonly dynamoRequests: DynamoDbFaultProxy,
    /** What start() set in process.env: the endpoints, credentials and the handlers' settings. */
    readonly environment: Readonly<Record<string, string>>,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async start(scenarioYaml: string, configYaml: string): Promise<OrganizationTestBed> {
    const dir = await temporaryDirectory();
    const simulator = await startSimulator({ scenario: parseScenario(scenarioYaml, 'org.yml') });
    const dynamo = await startDynalite();
    const sns = await startSnsEndpoint({ topics: [TOPIC_ARN] });
    const sqs = await startSqsEndpoint({ queues: [QUEUE_NAME] });
    const proxy = await startDynamoDbFaultProxy({ target: dynamo.endpoint });
    const configPath = join(dir.path, 'watched-models.yml');
    await writeFile(configPath, configYaml);
    const saved = { ...process.env };
    const environment: Record<string, string> = {
      ...simulator.endpointEnv,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_ENDPOINT_URL_SNS: sns.url,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      STATE_TABLE_NAME: dynamo.tableName,
      ALERT_TOPIC_ARN: TOPIC_ARN,
      WATCHED_MODELS_FILE: configPath,
      WORK_QUEUE_URL: sqs.queueUrl(QUEUE_NAME),
      SCHEDULE_PERIOD_MS: String(SCHEDULE_PERIOD_MS),
    };
    Object.assign(process.env, environment);
    return new OrganizationTestBed(simulator, dynamo, sns, sqs, proxy, environment, async () => {
      process.env = saved;
      await proxy.close();
      await Promise.all([simulator.close(), dynamo.close(), sns.close(), sqs.close()]);
      await dir.remove();
    });
  }

  private line =
    (level: LogLine['level']) =>
    (message: string, fields: Record<string, unknown> = {}) =>
      this.logs.push({ level, message, fields });

  private get log() {
    return { info: this.line('info'), warn: this.line('warn'), error: this.line('error') };
  }

  private get metricsSink() {
    return {
      addMetric: (name: string, _unit: 'Count', value: number) =>
        this.metrics.push({ name, value }),
      publishStoredMetrics: () => {},
    };
  }

  /** The scheduled function as a new container builds it (the planner: WORK_QUEUE_URL is set). */
  newPlanner() {
    return createScheduledHandler({
      environment: readHandlerEnvironment(),
      log: this.log,
      metrics: this.metricsSink,
      now: () => new Date(this.clock),
      enqueue: { pauseMs: () => 1 },
    });
  }

  /** The worker as a new container builds it; `nowOffsetMs` is how late it runs after the period. */
  newWorker(nowOffsetMs = () => 1_234): WorkerHandler {
    return createWorkerHandler({
      environment: readHandlerEnvironment(),
      log: this.log,
      metrics: this.metricsSink,
      now: () => new Date(this.clock + nowOffsetMs()),
    });
  }

  /** Runs the planner for the current period; returns the messages it queued. */
  async plan(planner = this.newPlanner()): Promise<SentMessage[]> {
    await planner(
      {
        source: 'aws.events',
        'detail-type': 'Scheduled Event',
        time: new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
      lambdaContext({ functionArn: PLANNER_ARN }),
    );
    const queued = this.sqs.sent.slice(this.undelivered);
    this.undelivered = this.sqs.sent.length;
    return queued;
  }

  /** Delivers `records` to `worker` in one batch, with a context of a random remaining time. */
  deliver(worker: WorkerHandler, records: readonly SQSRecord[]) {
    return worker(sqsEvent(records), lambdaContext({ functionArn: WORKER_ARN }));
  }

  /** One period as the platform runs it: plan, then each message delivered once, in one batch. */
  async period(worker: WorkerHandler, tick: number) {
    this.simulator.setTick(tick);
    const messages = await this.plan();
    const response = await this.deliver(
      worker,
      messages.map((message) => sqsRecord(message)),
    );
    this.clock += SCHEDULE_PERIOD_MS;
    return { messages, response };
  }

  /** What SNS received, decoded: kind, account and the default body's event. */
  notifications() {
    return this.sns.published.map((message) => ({
      subject: message.subject,
      attributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [name, value.StringValue]),
      ),
      event: JSON.parse(JSON.parse(message.message).default) as Record<string, unknown>,
    }));
  }

  /**
   * A local EventBridge endpoint with the bus `busName`, set as the stack's eventBusName for
   * the workers created from now on; closed with the bed, whose close restores the environment.
   */
  async useEventBus(busName: string): Promise<EventBridgeEndpoint> {
    const bus = await startEventBridgeEndpoint({ buses: [busName] });
    this.buses.push(bus);
    Object.assign(process.env, { EVENT_BUS_NAME: busName, AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url });
    return bus;
  }

  async close(): Promise<void> {
    await Promise.all(this.buses.map((bus) => bus.close()));
    return this.cleanup();
  }
}

export { sqsRecord };
