/** The benchmark's text report: one table per part, then the goals. */
import type { ColdStartReport } from './cold-start.ts';
import type { CostEstimate, HistoryLineBytes, HistoryLineCost } from './cost.ts';
import type { HandlerRun } from './handler-runs.ts';
import { type OrganizationReport, renderOrganization } from './organization-report.ts';
import type { PRICES } from './prices.ts';
import type { ScaleReport } from './scale.ts';
import type { SteadyResult } from './steady-state.ts';

export interface Goal {
  part: string;
  goal: string;
  measured: string;
  met: boolean;
}

export interface BenchReport {
  schema: 'bedrock-access-monitor/bench/v2';
  startedAt: string;
  durationS: number;
  environment: { node: string; cpus: number; platform: string };
  scale: ScaleReport;
  steadyState: SteadyResult[];
  coldStart: Omit<ColdStartReport, 'handlerFile'>;
  deployedHandler: HandlerRun[];
  memory: { scaleRunPeakRssMib: number; deployedHandlerPeakRssMib: number; goalMib: number };
  cost: {
    estimates: CostEstimate[];
    historyLines: HistoryLineCost[];
    historyLineBytes: HistoryLineBytes;
    prices: typeof PRICES;
    notes: string[];
  };
  /** Organization mode: parts 6 (real), 7 (modelled), 8 (cost). */
  organization: OrganizationReport;
  goals: Goal[];
}

export function renderReport(report: BenchReport): string {
  const out: string[] = [];
  const { scale } = report;
  out.push(
    `bedrock-access-monitor benchmark: node ${report.environment.node}, ${report.environment.cpus} CPUs, ${report.startedAt}, ${report.durationS} s`,
    '',
    `1. Scale: ${scale.models} models x ${scale.regions} regions = ${scale.checks} checks, ${scale.latencyMs} ms a call, ${scale.ratePerSecond} requests/s per region (burst ${scale.burst})`,
    `   lower bound: slowest region's calls / its rate = ${fmtMs(scale.lowerBoundMs)}`,
    `   handler settings (src/lambda/create-monitor-handler.ts): ${scale.settings.concurrencyPerRegion} in flight per region, the SDK's AdaptiveRetryStrategy with AcceptedRateLimiter, ${scale.settings.maxAttempts} attempts, ${scale.settings.requestTimeoutMs / 1000} s request timeout`,
    "   SDK default limiter: the same with retryMode 'adaptive' (the SDK's DefaultRateLimiter), as the handler was before AcceptedRateLimiter",
    '   sequential loop: one BedrockClient per region with the SDK defaults, one call at a time',
    table(
      ['variant', 'run', 'wall', 'ratio', 'UNKNOWN', 'throttled', 'requests', 'CPU', 'peak RSS'],
      scale.runs.map((run) => [
        variantName(run.variant),
        `#${run.repetition}`,
        fmtMs(run.wallMs),
        run.ratio.toFixed(2),
        String(run.unknown),
        String(run.throttled),
        String(run.requests),
        fmtMs(run.cpuMs),
        `${run.maxRssMib} MiB`,
      ]),
    ),
    `   why: the region that finished last in each run, its successes after ${scale.runs[0]?.evidence.successesAfter.map((point) => point.seconds).join('/')} s (the rate allows ${scale.runs[0]?.evidence.successesAfter.map((point) => point.allowed).join('/')}), its last success, and its retries:`,
    ...scale.runs
      .filter((run) => run.variant !== 'sequential')
      .map((run) => {
        const { evidence } = run;
        const successes = evidence.successesAfter.map((point) => point.successes).join('/');
        const retries =
          evidence.retries === undefined
            ? ''
            : `; ${evidence.retries.count} retries, backoff ${fmtMs(evidence.retries.totalBackoffMs)} in all, longest ${fmtMs(evidence.retries.maxBackoffMs)}`;
        const limiter = evidence.limiter;
        const sdk =
          limiter === undefined
            ? ''
            : `; DefaultRateLimiter on at ${limiter.enabledAtMs} ms, down to ${limiter.minFillRate} req/s, below ${scale.ratePerSecond / 2} req/s for ${(limiter.msBelowHalfRate / 1000).toFixed(1)} s (after 1/2/3/4 s: ${limiter.fillRateAfter.map((point) => point.fillRate).join('/')} req/s)`;
        return `   ${variantName(run.variant)} #${run.repetition}: ${evidence.region} ${successes}, last at ${fmtMs(evidence.lastSuccessAtMs)}; ${evidence.throttled} throttled${retries}${sdk}`;
      }),
    table(
      [
        'variant',
        'runs',
        'median wall',
        'median ratio',
        'ratio range',
        'UNKNOWN (max)',
        'throttled (median)',
      ],
      scale.summaries.map((summary) => [
        variantName(summary.variant),
        String(summary.runs),
        fmtMs(summary.medianWallMs),
        summary.medianRatio.toFixed(2),
        `${summary.minRatio.toFixed(2)}-${summary.maxRatio.toFixed(2)}`,
        String(summary.unknown),
        String(summary.medianThrottled),
      ]),
    ),
    '',
    '2. Steady state: runCheck with the DynamoDB store (dynalite) and the SNS notifier (local endpoint)',
    table(
      [
        'config',
        'pairs',
        'run',
        'duration',
        'DynamoDB requests',
        'capacity units',
        'writes',
        'SNS publishes',
      ],
      report.steadyState.flatMap((size) =>
        (['baseline', 'quiet'] as const).map((phase) => [
          size.name,
          String(size.pairs),
          phase === 'quiet' ? 'nothing changed' : 'baseline',
          fmtMs(size[phase].durationMs),
          counts(size[phase].requests),
          counts(size[phase].capacity),
          String(size[phase].writes),
          String(size[phase].publishes),
        ]),
      ),
    ),
    ...report.steadyState.map(
      (size) =>
        `   ${size.name}: the quiet run read ${Math.round(size.stateBytes / 1024)} KiB of state (read units x 4 KiB): ${size.expectedQueries} Query expected, ${size.quiet.requests.Query ?? 0} made`,
    ),
    '',
    '3. Cold start, for information: bundles built with serverless.yml custom.esbuild (as serverless-esbuild passes it)',
  );
  const { coldStart } = report;
  const firstRun = report.deployedHandler[0];
  out.push(
    table(
      [
        'bundle',
        'loaded by the import',
        'lazy chunks',
        `median import (${coldStart.handler.importMs.length} processes)`,
        'ratio to baseline',
      ],
      [
        [
          'handler (deployed)',
          fmtBytes(coldStart.handler.bytes),
          fmtBytes(coldStart.handler.lazyBytes),
          fmtMs(coldStart.handler.medianImportMs, 1),
          coldStart.ratio.toFixed(2),
        ],
        [
          'baseline: every SDK client + Powertools package the handler uses, imported',
          fmtBytes(coldStart.baseline.bytes),
          fmtBytes(coldStart.baseline.lazyBytes),
          fmtMs(coldStart.baseline.medianImportMs, 1),
          '1.00',
        ],
      ],
    ),
    ...(firstRun === undefined
      ? []
      : [
          `   a whole cold start of the deployed handler (${firstRun.name}, a quiet run): import ${fmtMs(firstRun.importMs, 1)} + first run ${fmtMs(firstRun.invocations[0]?.wallMs ?? Number.NaN, 1)}`,
        ]),
    '   what the handler import loads, by package:',
    table(
      ['package', 'bytes in bundle'],
      coldStart.topPackages.map(({ package: name, bytes }) => [name, fmtBytes(bytes)]),
    ),
    '',
    '4. Memory: peak RSS (process.resourceUsage().maxRSS of a child process)',
    table(
      ['run', 'peak RSS'],
      [
        [
          'scale run, 720 checks, handler settings (max of the runs)',
          `${report.memory.scaleRunPeakRssMib} MiB`,
        ],
        ...report.deployedHandler.map((run) => [
          `deployed handler bundle, ${run.name}, import + ${run.invocations.length} run(s)`,
          `${Math.round(run.maxRssKib / 1024)} MiB`,
        ]),
      ],
    ),
    '   the deployed handler bundle, run as Lambda runs it (fresh process, quiet run):',
    table(
      ['config', 'import (INIT)', 'runs (wall / CPU)', 'UNKNOWN', 'log lines', 'log bytes'],
      report.deployedHandler.map((run) => [
        run.name,
        `${fmtMs(run.importMs)} / ${fmtMs(run.importCpuMs)} CPU`,
        run.invocations.map((i) => `${fmtMs(i.wallMs)} / ${fmtMs(i.cpuMs)}`).join(', '),
        run.invocations.map((i) => String(i.unknown)).join(', '),
        run.invocations[0]?.logMessages.join(' + ') ?? '',
        run.invocations.map((i) => String(i.logBytes)).join(', '),
      ]),
    ),
    '',
    '5. Monthly cost (us-east-1 list prices, bench/prices.ts; 30-day month)',
  );
  for (const estimate of report.cost.estimates) {
    out.push(
      `   ${estimate.name}: ${estimate.pairs} pairs, ${estimate.runsPerMonth} runs, ${fmtMs(estimate.measuredRunMs)} measured per cold run, ${estimate.estimatedBilledMs} ms estimated at the function's memory`,
      table(
        ['item', 'kind', 'usage a month', 'price', 'a month'],
        [
          ...estimate.items.map((item) => [
            item.item,
            item.kind,
            item.usage,
            item.price,
            usd(item.monthlyUsd),
          ]),
          ['usage-driven', '', '', '', usd(estimate.usageUsd)],
          ['fixed', '', '', '', usd(estimate.fixedUsd)],
          ['total, list prices', '', '', '', usd(estimate.totalUsd)],
          [
            'total with a shared key (alertTopicKmsKeyArn)',
            '',
            '',
            '',
            usd(estimate.totalWithSharedKeyUsd),
          ],
          [
            'total without the dashboard (dashboard=false)',
            '',
            '',
            '',
            usd(estimate.totalWithoutDashboardUsd),
          ],
          [
            'total, if the always-free tier covers it',
            '',
            '',
            '',
            usd(estimate.totalWithFreeTierUsd),
          ],
        ],
      ),
      `   largest item: ${estimate.dominant}`,
    );
  }
  const lineBytes = report.cost.historyLineBytes;
  out.push(
    `   grant history lines: a first sighting ${lineBytes.firstSeen} B; a failed check ${lineBytes.checkFailed} B, and ${lineBytes.summaryPerFailure} B more in the run summary (none in a quiet run)`,
    table(
      [
        'config',
        'pairs',
        'first sightings, once',
        'one pair failing all month',
        'every pair failing all month',
      ],
      report.cost.historyLines.map((line) => [
        line.name,
        String(line.pairs),
        `${fmtVolume(line.firstSightingsBytes)}, ${usd(line.firstSightingsUsd)}`,
        `${fmtVolume(line.oneFailingPairMonthBytes)}, ${usd(line.oneFailingPairMonthUsd)}`,
        `${fmtVolume(line.allFailingMonthBytes)}, ${usd(line.allFailingMonthUsd)}`,
      ]),
    ),
  );
  out.push(
    ...report.cost.notes.map((note) => `   - ${note}`),
    '',
    ...renderOrganization(report.organization),
    '',
    'Goals',
  );
  out.push(
    table(
      ['part', 'goal', 'measured', 'met'],
      report.goals.map((goal) => [goal.part, goal.goal, goal.measured, goal.met ? 'yes' : 'NO']),
    ),
  );
  return out.join('\n');
}

function variantName(variant: string): string {
  return (
    {
      handler: 'handler settings',
      'sdk-default-limiter': 'SDK default limiter',
      sequential: 'sequential loop',
    }[variant] ?? variant
  );
}

/** A plain-text table, columns padded, numbers as given. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `   ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`.trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}

export function counts(values: Record<string, number | undefined>): string {
  const entries = Object.entries(values).filter(([, count]) => count !== undefined);
  return entries.length === 0 ? '-' : entries.map(([name, count]) => `${name} ${count}`).join(', ');
}

export function fmtMs(ms: number, digits = 0): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(digits)} ms`;
}

export function fmtBytes(bytes: number): string {
  return bytes >= 10_000 ? `${(bytes / 1000).toFixed(1)} kB` : `${bytes} B`;
}

/** A log volume: kB up to a megabyte, then MB, then GB. */
function fmtVolume(bytes: number): string {
  if (bytes < 1_000_000) return fmtBytes(bytes);
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(2)} GB`;
}

export function usd(value: number): string {
  return `$${value.toFixed(value < 0.01 && value > 0 ? 4 : 2)}`;
}
