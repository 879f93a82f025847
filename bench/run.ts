/**
 * `npm run bench` (issue 5): scale across regions, steady-state requests, cold start, memory and
 * monthly cost, measured in one run against the Bedrock simulator, dynalite and the local SNS
 * endpoint, and organization mode (issue 10): the planner and the worker over real sockets, a model
 * at organization scale and its cost. Prints a table; with --json, one JSON object on the last
 * line. Progress goes to stderr.
 *
 *   npm run bench [-- --json] [-- --repetitions N] [-- --rounds N]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { METRIC } from '../src/lambda/run-telemetry.ts';
import { parseScenario, startSimulator } from '../src/simulator/index.ts';
import { startDynalite } from '../test/support/dynalite.ts';
import { startSnsEndpoint } from '../test/support/sns-endpoint.ts';
import { bundleLikeDeployed } from './bundle.ts';
import { measureColdStart } from './cold-start.ts';
import { COST_NOTES, estimateMonthlyCost, type HistoryLineBytes, historyLineCost } from './cost.ts';
import {
  loadDefaultConfig,
  PROJECT_ROOT,
  parseConfig,
  SCALE,
  scenarioYaml,
  sdkEnvironment,
  TOPIC_ARN,
  targetsOf,
  watchedConfigYaml,
} from './fixtures.ts';
import { measureHandlerRuns } from './handler-runs.ts';
import { measureHistoryLineBytes } from './history-lines.ts';
import { readLambdaBedrockSettings } from './lambda-settings.ts';
import { costPart, modelPart, organizationGoals, realPart } from './organization-parts.ts';
import type { OrganizationReport } from './organization-report.ts';
import { measureOrganizationRun, type OrganizationRunMeasured } from './organization-run.ts';
import { PRICES } from './prices.ts';
import { type BenchReport, type Goal, renderReport, usd } from './report.ts';
import { measureScale } from './scale.ts';
import { readDeployedStack, runsPerMonth } from './serverless-stack.ts';
import { round } from './stats.ts';
import { measureSteadyState } from './steady-state.ts';
import {
  measureWorkerContainerAtScale,
  runWorkerContainer,
  type WorkerContainerMeasured,
} from './worker-container.ts';
import { workerMemorySizeMb } from './worker-memory.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const repetitions = numberOption('--repetitions', 3);
const rounds = Math.max(10, numberOption('--rounds', 12));
const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);
// Issue 10's real organization: 100 member accounts (and the hub), 10 invocations at a time.
const ORGANIZATION_MEMBERS = 100;
const ORGANIZATION_CONCURRENCY = 10;
// One worker container: 10 batches of the real organization (50 accounts, so its per-account
// client caches grow as in a container serving many), and 3 batches at 60 x 12 (15 to 19 s each:
// under a minute).
const CONTAINER_BATCHES = 10;
const CONTAINER_BATCHES_AT_SCALE = 3;

function numberOption(name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index === -1) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a whole number >= 1`);
  return value;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  // Credentials and SDK settings for every client of this process; endpoints are added below.
  Object.assign(process.env, sdkEnvironment({}));
  const stack = await readDeployedStack(join(PROJECT_ROOT, 'serverless.yml'));
  const settings = await readLambdaBedrockSettings(stack.timeoutSeconds);
  const workDir = await mkdtemp(join(tmpdir(), 'bedrock-access-monitor-bench-'));
  try {
    // The child processes run bundled, like the handler: plain node, no TypeScript loader.
    const scaleChild = await bundleLikeDeployed(
      stack,
      { entry: 'bench/scale-child.ts' },
      join(workDir, 'scale-child'),
    );
    const handlerChild = await bundleLikeDeployed(
      stack,
      { entry: 'bench/handler-child.ts' },
      join(workDir, 'handler-child'),
    );
    // Organization mode's worker, bundled as serverless-esbuild bundles every function.
    const workerBundle = await bundleLikeDeployed(
      stack,
      { entry: 'handlers/check-account.ts' },
      join(workDir, 'worker'),
    );
    const worker = {
      handlerBundle: workerBundle.file,
      childBundle: handlerChild.file,
      memoryMb: await workerMemorySizeMb(stack.memorySizeMb),
    };

    // 3 first: imports are timed best while nothing else runs.
    const coldStart = await measureColdStart({
      stack,
      outdir: join(workDir, 'cold-start'),
      rounds,
      progress,
    });
    const scale = await measureScale({
      childBundle: scaleChild.file,
      settings,
      repetitions,
      progress,
    });

    const defaultConfig = await loadDefaultConfig();
    const smallModels = SCALE.models.slice(0, 5);
    const smallRegions = SCALE.regions.slice(0, 4);
    const scaleConfigYaml = watchedConfigYaml(SCALE.models, SCALE.regions);
    const allModels = [
      ...new Set([...defaultConfig.models.map((model) => model.id), ...SCALE.models]),
    ];

    const dynamo = await startDynalite();
    const sns = await startSnsEndpoint({ topics: [TOPIC_ARN] });
    const steadySimulator = await startSimulator({
      scenario: parseScenario(
        scenarioYaml({ models: allModels, latencyMs: SCALE.latencyMs }),
        'bench-steady.yml',
      ),
    });
    try {
      // Every SDK client of this process finds its endpoint here, as the SDK resolves it.
      Object.assign(
        process.env,
        sdkEnvironment({
          AWS_ENDPOINT_URL_BEDROCK: steadySimulator.url,
          AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
          AWS_ENDPOINT_URL_SNS: sns.url,
        }),
      );
      const steadyState = await measureSteadyState({
        sizes: [
          { name: 'default config', config: defaultConfig, tableName: 'bench-default' },
          {
            name: `${smallModels.length} x ${smallRegions.length}`,
            config: parseConfig(watchedConfigYaml(smallModels, smallRegions), 'bench-20.yml'),
            tableName: 'bench-20',
          },
          {
            name: `${SCALE.models.length} x ${SCALE.regions.length}`,
            config: parseConfig(scaleConfigYaml, 'bench-720.yml'),
            tableName: 'bench-720',
          },
        ],
        dynamo,
        sns,
        settings,
        progress,
      });

      const deployedHandler = await measureHandlerRuns({
        specs: [
          {
            name: 'default config',
            tableName: 'bench-default',
            configYaml: undefined,
            models: allModels,
            invocations: 2,
          },
          {
            name: `${SCALE.models.length} x ${SCALE.regions.length}`,
            tableName: 'bench-720',
            configYaml: scaleConfigYaml,
            models: allModels,
            invocations: 1,
          },
        ],
        handlerBundle: coldStart.handlerFile,
        childBundle: handlerChild.file,
        workDir,
        dynamo,
        sns,
        timeoutSeconds: stack.timeoutSeconds,
        progress,
      });

      const historyLineBytes = await measureHistoryLineBytes({
        modelIds: allModels,
        regions: [...new Set([...SCALE.regions, ...defaultConfig.regions])],
      });
      // Last: it runs in this process, so its peak RSS is this process's, after the others'.
      const organizationRun = await measureOrganizationRun({
        members: ORGANIZATION_MEMBERS,
        models: smallModels,
        regions: smallRegions,
        concurrency: ORGANIZATION_CONCURRENCY,
        latencyMs: SCALE.latencyMs,
        ratePerSecond: SCALE.ratePerSecond,
        // One token to begin with, so the rate, not the bucket, sets how long an account takes.
        burst: 1,
        container: (bed) =>
          runWorkerContainer(bed, {
            ...worker,
            batches: CONTAINER_BATCHES,
            models: smallModels.length,
            regions: smallRegions.length,
          }),
        progress,
      });
      // The worker's largest size: a member watched at 60 x 12, the scale scenario's Bedrock.
      const containerAtScale = await measureWorkerContainerAtScale({
        ...worker,
        batches: CONTAINER_BATCHES_AT_SCALE,
        models: SCALE.models,
        regions: SCALE.regions,
        latencyMs: SCALE.latencyMs,
        ratePerSecond: SCALE.ratePerSecond,
        burst: SCALE.burst,
      });
      progress(
        `worker container, ${containerAtScale.models} x ${containerAtScale.regions}: ${containerAtScale.accountsServed} accounts in ${containerAtScale.batches} batches, ${containerAtScale.unknown} UNKNOWN, peak RSS ${containerAtScale.peakRssMib} MiB`,
      );
      const report = assemble({
        startedAt,
        stack,
        scale,
        steadyState,
        coldStart,
        deployedHandler,
        defaultPairs: targetsOf(defaultConfig).length,
        historyLineBytes,
        organizationRun,
        containerAtScale,
        workerMemoryMb: worker.memoryMb,
      });
      process.stdout.write(`${renderReport(report)}\n`);
      if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
    } finally {
      await Promise.all([steadySimulator.close(), dynamo.close(), sns.close()]);
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function assemble(parts: {
  startedAt: Date;
  stack: Awaited<ReturnType<typeof readDeployedStack>>;
  scale: Awaited<ReturnType<typeof measureScale>>;
  steadyState: Awaited<ReturnType<typeof measureSteadyState>>;
  coldStart: Awaited<ReturnType<typeof measureColdStart>>;
  deployedHandler: Awaited<ReturnType<typeof measureHandlerRuns>>;
  defaultPairs: number;
  historyLineBytes: HistoryLineBytes;
  organizationRun: OrganizationRunMeasured;
  containerAtScale: WorkerContainerMeasured;
  workerMemoryMb: number;
}): BenchReport {
  const { stack, scale, steadyState, coldStart, deployedHandler } = parts;
  const { handlerFile: _handlerFile, ...coldStartReport } = coldStart;
  const runs = runsPerMonth(stack.schedule);
  const fixed = {
    kmsKeys: stack.resourceCounts['AWS::KMS::Key'] ?? 0,
    eventMetrics: Object.keys(METRIC).length,
    alarms: stack.resourceCounts['AWS::CloudWatch::Alarm'] ?? 0,
    alarmMetrics: stack.alarmMetrics,
    dashboards: stack.dashboardByDefault ? 1 : 0,
  };
  const estimates = deployedHandler.map((handlerRun) => {
    const steady = steadyState.find((size) => size.tableName === handlerRun.tableName);
    const first = handlerRun.invocations[0];
    if (steady === undefined || first === undefined) {
      throw new Error(`no steady-state or handler figures for ${handlerRun.name}`);
    }
    return estimateMonthlyCost({
      run: {
        name: handlerRun.name,
        pairs: steady.pairs,
        importMs: handlerRun.importMs,
        importCpuMs: handlerRun.importCpuMs,
        invokeMs: first.wallMs,
        invokeCpuMs: first.cpuMs,
        readUnits: steady.quiet.capacity.Query ?? 0,
        writeUnits: (steady.quiet.capacity.PutItem ?? 0) + (steady.quiet.capacity.UpdateItem ?? 0),
        logBytes: first.logBytes,
      },
      runsPerMonth: runs,
      memoryMb: stack.memorySizeMb,
      maxMemoryMb: Math.round(handlerRun.maxRssKib / 1024),
      fixed,
    });
  });

  const handlerScale = scale.summaries.find((summary) => summary.variant === 'handler');
  const sdkDefaultScale = scale.summaries.find(
    (summary) => summary.variant === 'sdk-default-limiter',
  );
  const scaleRunPeakRssMib = handlerScale?.maxRssMib ?? Number.NaN;
  const deployedHandlerPeakRssMib = round(
    Math.max(...deployedHandler.map((run) => run.maxRssKib)) / 1024,
    1,
  );
  const goalMib = 150;
  const defaultCost = estimates.find((estimate) => estimate.name === 'default config');
  const organization = assembleOrganization({
    run: parts.organizationRun,
    worker: { atScale: parts.containerAtScale, memoryMb: parts.workerMemoryMb },
    scaleMedianWallMs: handlerScale?.medianWallMs ?? Number.NaN,
    runsPerMonth: runs,
    memoryMb: stack.memorySizeMb,
    singleStack: defaultCost,
    deployedHandler,
  });
  const goals: Goal[] = [
    {
      part: '1 scale',
      goal: 'ratio <= 1.25, zero UNKNOWN (median of the runs)',
      measured: `ratio ${handlerScale?.medianRatio.toFixed(2)} (${handlerScale?.minRatio.toFixed(2)}-${handlerScale?.maxRatio.toFixed(2)}), ${handlerScale?.unknown} UNKNOWN; SDK default limiter ${sdkDefaultScale?.medianRatio.toFixed(2)}`,
      met:
        handlerScale !== undefined &&
        handlerScale.medianRatio <= 1.25 &&
        handlerScale.unknown === 0,
    },
    ...steadyState.map((size) => ({
      part: '2 steady state',
      goal: `${size.name}: 0 writes, 0 publishes, ${size.expectedQueries} Query, 1 ListFoundationModels per watched region`,
      measured: `${size.quiet.writes} writes, ${size.quiet.publishes} publishes, ${JSON.stringify(size.quiet.requests)}, ListFoundationModels ${JSON.stringify(size.quiet.listings)}`,
      met: size.goalMet,
    })),
    {
      part: '4 memory',
      goal: `peak RSS <= ${goalMib} MiB`,
      measured: `scale run ${scaleRunPeakRssMib} MiB, deployed handler ${deployedHandlerPeakRssMib} MiB`,
      met: Math.max(scaleRunPeakRssMib, deployedHandlerPeakRssMib) <= goalMib,
    },
    {
      part: '5 cost',
      // The dashboard is priced apart: $3.00 list, free within the account's first three.
      goal: 'default config < $0.50 a month, the dashboard aside',
      measured: `${usd(defaultCost?.totalWithoutDashboardUsd ?? Number.NaN)} list without the dashboard, ${usd(defaultCost?.totalUsd ?? Number.NaN)} with it (${usd(defaultCost?.fixedUsd ?? Number.NaN)} fixed); ${usd(defaultCost?.totalWithSharedKeyUsd ?? Number.NaN)} with a shared key; ${usd(defaultCost?.totalWithFreeTierUsd ?? Number.NaN)} within the free tier`,
      met: defaultCost !== undefined && defaultCost.totalWithoutDashboardUsd < 0.5,
    },
    ...organizationGoals(organization),
  ];
  return {
    schema: 'bedrock-access-monitor/bench/v2',
    startedAt: parts.startedAt.toISOString(),
    durationS: round((Date.now() - parts.startedAt.getTime()) / 1000),
    environment: {
      node: process.version,
      cpus: availableParallelism(),
      platform: process.platform,
    },
    scale,
    steadyState,
    coldStart: coldStartReport,
    deployedHandler,
    memory: { scaleRunPeakRssMib, deployedHandlerPeakRssMib, goalMib },
    cost: {
      estimates,
      historyLines: [
        { name: 'default config', pairs: parts.defaultPairs },
        {
          name: `${SCALE.models.length} x ${SCALE.regions.length}`,
          pairs: SCALE.models.length * SCALE.regions.length,
        },
      ].map((size) =>
        historyLineCost({ ...size, runsPerMonth: runs, bytes: parts.historyLineBytes }),
      ),
      historyLineBytes: parts.historyLineBytes,
      prices: PRICES,
      notes: COST_NOTES,
    },
    organization,
    goals,
  };
}

/** Parts 6 to 8 from the organization run, part 1's scale run and part 5's single stack. */
function assembleOrganization(parts: {
  run: OrganizationRunMeasured;
  worker: { atScale: WorkerContainerMeasured; memoryMb: number };
  scaleMedianWallMs: number;
  runsPerMonth: number;
  memoryMb: number;
  singleStack: ReturnType<typeof estimateMonthlyCost> | undefined;
  deployedHandler: Awaited<ReturnType<typeof measureHandlerRuns>>;
}): OrganizationReport {
  const coldRun = parts.deployedHandler.find((run) => run.name === 'default config');
  if (parts.singleStack === undefined || coldRun === undefined) {
    throw new Error("the organization cost needs part 5's default-config figures");
  }
  const real = realPart(parts.run, parts.worker);
  const model = modelPart({ scaleMedianWallMs: parts.scaleMedianWallMs, real: parts.run });
  const cost = costPart({
    real: parts.run,
    model,
    runsPerMonth: parts.runsPerMonth,
    memoryMb: parts.memoryMb,
    singleStack: parts.singleStack,
    // Lambda bills the INIT phase: the bundle's import, measured in a fresh process.
    coldStart: { wallMs: coldRun.importMs, cpuMs: coldRun.importCpuMs },
    maxMemoryMb: Math.round(coldRun.maxRssKib / 1024),
  });
  return { real, model, cost };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});
