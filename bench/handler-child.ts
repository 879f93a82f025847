/**
 * Child process that runs the deployed handler bundle the way Lambda does (bundled by
 * bench/bundle.ts, run by plain node): import it once, then invoke it; it reports the import
 * time, each invocation's time and log output, and the process's peak RSS.
 */
import { pathToFileURL } from 'node:url';
import type { ChildReply, HandlerJob, HandlerResult, InvocationResult } from './child-protocol.ts';
import { captureStdout } from './stdout-capture.ts';

type Handler = (
  event: unknown,
  context: { invokedFunctionArn: string; getRemainingTimeInMillis(): number },
) => Promise<{
  checks: number;
  states: Record<string, number>;
  transitions: unknown[];
  notifications: { published: number };
}>;

process.once('message', (job: HandlerJob) => {
  run(job).then(
    (result) => reply({ ok: true, result }),
    (error: unknown) => reply({ ok: false, error: String((error as Error)?.stack ?? error) }),
  );
});

function reply(message: ChildReply<HandlerResult>): void {
  process.send?.(message, () => process.exit(0));
}

async function run(job: HandlerJob): Promise<HandlerResult> {
  const importCpu = process.cpuUsage();
  const importStart = performance.now();
  const { handler } = (await import(pathToFileURL(job.bundle).href)) as { handler: Handler };
  const importMs = performance.now() - importStart;
  const importCpuUsage = process.cpuUsage(importCpu);

  const invocations: InvocationResult[] = [];
  for (let i = 0; i < job.invocations; i += 1) {
    invocations.push(await invoke(handler, job));
  }
  return {
    importMs,
    importCpuMs: (importCpuUsage.user + importCpuUsage.system) / 1000,
    invocations,
    maxRssKib: process.resourceUsage().maxRSS,
  };
}

/** One scheduled invocation; what it writes to stdout is counted, not printed. */
async function invoke(handler: Handler, job: HandlerJob): Promise<InvocationResult> {
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const { result: summary, text } = await captureStdout(() =>
    handler(
      { source: 'aws.events', 'detail-type': 'Scheduled Event' },
      {
        invokedFunctionArn: job.functionArn,
        getRemainingTimeInMillis: () => job.remainingMs,
      },
    ),
  );
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  const lines = text.split('\n').filter((line) => line.length > 0);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    checks: summary.checks,
    unknown: summary.states.UNKNOWN ?? 0,
    transitions: summary.transitions.length,
    published: summary.notifications.published,
    logBytes: Buffer.byteLength(text, 'utf8'),
    logLines: lines.length,
    logMessages: lines.map((line) => messageOf(line)),
  };
}

function messageOf(line: string): string {
  try {
    const parsed = JSON.parse(line) as { message?: unknown; _aws?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
    return parsed._aws === undefined ? '(json)' : '(EMF metrics)';
  } catch {
    return '(text)';
  }
}
