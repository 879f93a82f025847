import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../cli/cli-io.ts';
import { createLocalMonitor } from '../cli/local-monitor.ts';
import { plural, renderScope } from '../cli/plural.ts';
import { renderStoredStates } from '../cli/render-run.ts';
import { loadWatchedModels } from '../config/load-config.ts';
import { watchedScope } from '../config/watched-config.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import { runCheck } from '../monitor/run-check.ts';
import type { RunSummary } from '../monitor/run-summary.ts';
import { renderAlertText, renderSubject } from '../notify/render-alert.ts';
import { loadScenario, type SimulatorStats, startSimulator } from '../simulator/index.ts';

export const DEMO_SCENARIO_PATH = fileURLToPath(new URL('./demo-scenario.yml', import.meta.url));
export const DEMO_CONFIG_PATH = fileURLToPath(
  new URL('./demo-watched-models.yml', import.meta.url),
);

export interface DemoOptions {
  io: CliIo;
  runs: number;
  scenarioPath?: string;
  configPath?: string;
}

export interface DemoResult {
  summaries: RunSummary[];
  alerts: AnnouncedEvent[];
}

// The demo pretends the schedule fires every 5 minutes, so times in alerts read naturally.
export const DEMO_START = Date.UTC(2026, 10, 24, 12, 0);
export const SCHEDULE_MS = 5 * 60_000;

/**
 * Runs the real check loop (SDK, retries, state file, transition rules) against the built-in
 * simulator, one simulator tick per run, and prints every alert the way it will read.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { io } = options;
  const scenario = await loadScenario(options.scenarioPath ?? DEMO_SCENARIO_PATH);
  const config = await loadWatchedModels(options.configPath ?? DEMO_CONFIG_PATH);
  // The simulator's clock is the demo's, running (its throttling refills with time): its
  // lifecycle dates (+5d, ...) count from the first run.
  let offsetMs = DEMO_START - Date.now();
  const simulator = await startSimulator({ scenario, clock: () => Date.now() + offsetMs });
  const stateDir = await mkdtemp(join(tmpdir(), 'bedrock-access-monitor-demo-'));
  const alerts: AnnouncedEvent[] = [];
  const summaries: RunSummary[] = [];
  try {
    const deps = createLocalMonitor({
      account: scenario.account,
      config,
      statePath: join(stateDir, 'state.json'),
      endpoint: simulator.url,
      credentials: { accessKeyId: 'AKIADEMODEMODEMO', secretAccessKey: 'demo-not-a-secret' },
      deadlineMs: 5_000,
      concurrencyPerRegion: 4,
      requestTimeoutMs: 2_000,
      maxAttempts: 5,
      // The simulator's Converse is free: the demo shows verification whenever the config asks.
      verify: true,
      onNotify: (event) => alerts.push(event),
    });
    io.out(
      `bedrock-access-monitor demo: ${plural(options.runs, 'run')} of the real check loop against the built-in Bedrock simulator (${simulator.url}).\nNo AWS account is used. Watched: ${renderScope(watchedScope(config))}; state file ${join(stateDir, 'state.json')}.\n`,
    );
    let throttled = 0;
    for (let run = 1; run <= options.runs; run += 1) {
      simulator.setTick(run - 1);
      const alertsBefore = alerts.length;
      const now = new Date(DEMO_START + (run - 1) * SCHEDULE_MS);
      offsetMs = now.getTime() - Date.now();
      const summary = await runCheck({ ...deps, deadline: Date.now() + deps.deadlineMs }, now);
      summaries.push(summary);
      const throttledThisRun = countThrottled(simulator.stats()) - throttled;
      throttled += throttledThisRun;
      io.out(renderRunLine(run, summary, throttledThisRun));
      for (const event of alerts.slice(alertsBefore)) io.out(renderAlertBox(event));
    }
    const unknown = summaries.reduce((sum, s) => sum + s.states.UNKNOWN, 0);
    const transitions = summaries.flatMap((s) => s.transitions);
    io.out(
      `\nStored states after run ${options.runs}:\n${renderStoredStates((await deps.store.loadAllAccounts()).records)}`,
    );
    io.out(
      `\n${plural(options.runs, 'run')}: ${plural(transitions.length, 'transition')} (${transitions.map((t) => t.kind).join(', ') || 'none'}), ${plural(alerts.length, 'alert')} sent. The simulator throttled ${plural(throttled, 'request')}; ${plural(unknown, 'check')} ended UNKNOWN and changed nothing.\nNext: \`npx bedrock-access-monitor check\` does the same against your AWS account.`,
    );
    return { summaries, alerts };
  } finally {
    await simulator.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

function countThrottled(stats: SimulatorStats): number {
  return Object.values(stats.regions)
    .flatMap((operations) => Object.values(operations))
    .reduce((sum, answers) => sum + answers.throttled, 0);
}

function renderRunLine(run: number, summary: RunSummary, throttled: number): string {
  const time = summary.startedAt.slice(11, 16);
  const parts = [
    `Run ${String(run).padStart(2)} (${time} UTC): ${summary.checks - summary.states.UNKNOWN}/${summary.checks} checked in ${(summary.durationMs / 1000).toFixed(1)} s`,
  ];
  if (run === 1) parts.push('first sighting of every pair stored as the baseline');
  for (const event of summary.transitions) {
    parts.push(`${event.kind}: ${event.modelId} in ${event.region} (${event.from} -> ${event.to})`);
  }
  for (const event of summary.announcements ?? []) {
    parts.push(renderSubject(event));
  }
  const pending = summary.pairs.filter((pair) => pair.pendingRevocation > 0);
  for (const pair of pending) {
    parts.push(
      `${pair.modelId} in ${pair.region} answered ${pair.state}: revocation not confirmed yet (${plural(pair.pendingRevocation, 'answer')})`,
    );
  }
  const unknownRegions = new Map<string, Set<string>>();
  for (const failure of summary.failures) {
    const kinds = unknownRegions.get(failure.region) ?? new Set();
    kinds.add(failure.kind);
    unknownRegions.set(failure.region, kinds);
  }
  for (const [region, kinds] of unknownRegions) {
    const count = summary.failures.filter((f) => f.region === region).length;
    parts.push(
      `${region}: ${plural(count, 'check')} UNKNOWN (${[...kinds].join(', ')}), states left as stored, no alert`,
    );
  }
  if (throttled > 0 && summary.failures.length === 0) {
    parts.push(
      `${plural(throttled, 'request')} throttled; the SDK's retries absorbed them (no UNKNOWN, no alert)`,
    );
  }
  if (parts.length === 1) parts.push('no change');
  return parts.join('\n         ');
}

function renderAlertBox(event: AnnouncedEvent): string {
  return renderNotificationBox(renderSubject(event), renderAlertText(event));
}

/** A notification as the demo prints it: its subject and its email text, in a box. */
export function renderNotificationBox(subject: string, text: string): string {
  const body = [`Subject: ${subject}`, '', ...text.split('\n')];
  return [
    '',
    `   +-- alert (SNS Publish) ${'-'.repeat(60)}`,
    ...body.map((line) => `   | ${line}`.trimEnd()),
    `   +${'-'.repeat(84)}`,
    '',
  ].join('\n');
}
