/**
 * Child process that runs the deployed handler bundle the way Lambda does (bundled by
 * bench/bundle.ts, run by plain node): import it once, then invoke it with each event of the job
 * in turn (the scheduled handler's EventBridge event, the worker's SQS events); it reports the
 * import time, each invocation's time and log output, and the process's peak RSS.
 */
import { pathToFileURL } from 'node:url';
import type { ChildReply, HandlerJob, HandlerResult, InvocationResult } from './child-protocol.ts';
import { invocationFigures } from './invocation-figures.ts';
import { captureStdout } from './stdout-capture.ts';

type Handler = (
  event: unknown,
  context: { invokedFunctionArn: string; getRemainingTimeInMillis(): number },
) => Promise<unknown>;

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
  for (const event of job.events) {
    invocations.push(await invoke(handler, job, event));
  }
  return {
    importMs,
    importCpuMs: (importCpuUsage.user + importCpuUsage.system) / 1000,
    invocations,
    maxRssKib: process.resourceUsage().maxRSS,
  };
}

/** One invocation with `event`; what it writes to stdout is counted, not printed. */
async function invoke(
  handler: Handler,
  job: HandlerJob,
  event: unknown,
): Promise<InvocationResult> {
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const { result: response, text } = await captureStdout(() =>
    handler(event, {
      invokedFunctionArn: job.functionArn,
      getRemainingTimeInMillis: () => job.remainingMs,
    }),
  );
  const wallMs = performance.now() - startedAt;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...invocationFigures(text, response),
  };
}
