/**
 * Part 2, steady state: runCheck with the DynamoDB store (dynalite) and the SNS notifier (the
 * local endpoint), a baseline run and then a run where nothing changed, per config size. What a
 * quiet run costs is what almost every scheduled run costs: one Query, no write, no publish,
 * and one ListFoundationModels per watched region (lifecycle and unknown ids).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { createBedrockAvailabilitySource } from '../src/bedrock/availability-source.ts';
import { createBedrockClientCache } from '../src/bedrock/bedrock-clients.ts';
import { createBedrockCatalogSource } from '../src/catalog/catalog-source.ts';
import { topicRegion } from '../src/config/handler-environment.ts';
import type { WatchedConfig } from '../src/config/watched-config.ts';
import { runCheck } from '../src/monitor/run-check.ts';
import { createSnsNotifier } from '../src/notify/sns-notifier.ts';
import { type DynamoDbOperation, DynamoDbStateStore } from '../src/state/dynamodb-state-store.ts';
import type { RunningDynalite } from '../test/support/dynalite.ts';
import type { SnsEndpoint } from '../test/support/sns-endpoint.ts';
import { ACCOUNT, TOPIC_ARN, targetsOf } from './fixtures.ts';
import type { LambdaBedrockSettings } from './lambda-settings.ts';
import { round, sum } from './stats.ts';

export const WRITE_OPERATIONS = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];
const DYNAMODB_PAGE_BYTES = 1024 * 1024;
const READ_UNIT_BYTES = 4 * 1024;

export interface SteadySize {
  name: string;
  config: WatchedConfig;
  tableName: string;
}

export interface RunCounts {
  durationMs: number;
  checks: number;
  unknown: number;
  transitions: number;
  /** DynamoDB requests as dynalite received them, by operation. */
  requests: Record<string, number>;
  /** Capacity units DynamoDB reported to the store's onConsumedCapacity, by operation. */
  capacity: Partial<Record<DynamoDbOperation, number>>;
  writes: number;
  publishes: number;
  /** ListFoundationModels calls, by region. */
  listings: Record<string, number>;
}

export interface SteadyResult {
  name: string;
  pairs: number;
  tableName: string;
  baseline: RunCounts;
  quiet: RunCounts;
  /** Upper bound of the state read by the quiet run's Query: read units x 4 KiB. */
  stateBytes: number;
  /** Query requests a state of that size needs: one per 1 MB page. */
  expectedQueries: number;
  goalMet: boolean;
}

export async function measureSteadyState(options: {
  sizes: SteadySize[];
  dynamo: RunningDynalite;
  sns: SnsEndpoint;
  settings: LambdaBedrockSettings;
  progress: (line: string) => void;
}): Promise<SteadyResult[]> {
  const results: SteadyResult[] = [];
  for (const size of options.sizes) {
    await options.dynamo.createTable(size.tableName);
    let capacity: Partial<Record<DynamoDbOperation, number>> = {};
    const store = new DynamoDbStateStore({
      client: new DynamoDBClient({}),
      tableName: size.tableName,
      onConsumedCapacity: (operation, units) => {
        capacity[operation] = (capacity[operation] ?? 0) + units;
      },
    });
    const clientForRegion = createBedrockClientCache({
      requestTimeoutMs: options.settings.requestTimeoutMs,
      maxAttempts: options.settings.maxAttempts,
    });
    const availability = createBedrockAvailabilitySource({
      clientForRegion,
      concurrencyPerRegion: options.settings.concurrencyPerRegion,
    });
    let listings: Record<string, number> = {};
    const catalog = createBedrockCatalogSource({
      clientForRegion: (region) => ({
        send: (command, sendOptions) => {
          listings[region] = (listings[region] ?? 0) + 1;
          return clientForRegion(region).send(command, sendOptions);
        },
      }),
      concurrency: 4,
    });
    const notifier = createSnsNotifier({
      client: new SNSClient({ region: topicRegion(TOPIC_ARN) }),
      topicArn: TOPIC_ARN,
    });

    const runAt = async (now: Date): Promise<RunCounts> => {
      capacity = {};
      listings = {};
      const requestsBefore = options.dynamo.requests.length;
      const publishedBefore = options.sns.published.length;
      const summary = await runCheck(
        {
          account: ACCOUNT,
          config: size.config,
          availability,
          catalog,
          store,
          notifier,
          deadline: Date.now() + options.settings.checkBudgetMs,
        },
        now,
      );
      const operations = options.dynamo.requests.slice(requestsBefore);
      const requests: Record<string, number> = {};
      for (const operation of operations) requests[operation] = (requests[operation] ?? 0) + 1;
      return {
        durationMs: summary.durationMs,
        checks: summary.checks,
        unknown: summary.states.UNKNOWN,
        transitions: summary.transitions.length,
        requests,
        capacity,
        writes: operations.filter((operation) => WRITE_OPERATIONS.includes(operation)).length,
        publishes: options.sns.published.length - publishedBefore,
        listings,
      };
    };

    const start = Date.UTC(2026, 10, 24, 12, 0);
    const baseline = await runAt(new Date(start));
    const quiet = await runAt(new Date(start + 5 * 60_000));
    const stateBytes = (quiet.capacity.Query ?? 0) * READ_UNIT_BYTES;
    const expectedQueries = Math.max(1, Math.ceil(stateBytes / DYNAMODB_PAGE_BYTES));
    const otherRequests = sum(
      Object.entries(quiet.requests)
        .filter(([operation]) => operation !== 'Query')
        .map(([, count]) => count),
    );
    const result: SteadyResult = {
      name: size.name,
      pairs: targetsOf(size.config).length,
      tableName: size.tableName,
      baseline,
      quiet,
      stateBytes,
      expectedQueries,
      goalMet:
        baseline.unknown === 0 &&
        quiet.writes === 0 &&
        quiet.publishes === 0 &&
        otherRequests === 0 &&
        (quiet.requests.Query ?? 0) <= expectedQueries &&
        regionsOf(size.config).every((region) => quiet.listings[region] === 1) &&
        Object.keys(quiet.listings).length === regionsOf(size.config).length,
    };
    results.push(result);
    options.progress(
      `steady state ${size.name}: quiet run ${JSON.stringify(quiet.requests)}, ${round(stateBytes / 1024)} KiB read, ${quiet.writes} writes, ${quiet.publishes} publishes, ListFoundationModels ${JSON.stringify(quiet.listings)}`,
    );
  }
  return results;
}

function regionsOf(config: WatchedConfig): string[] {
  return [...new Set(targetsOf(config).map((target) => target.region))];
}
