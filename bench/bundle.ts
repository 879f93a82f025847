/** esbuild with the deployed handler's options, for the handler, baselines and child scripts. */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import type { ChildReply } from './child-protocol.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import type { DeployedStack } from './serverless-stack.ts';

export interface BuiltBundle {
  file: string;
  bytes: number;
  metafile: Metafile;
}

export type BundleEntry =
  | { entry: string }
  /** Source text, resolved from the project root (for generated entries). */
  | { contents: string; name: string };

/** One bundle built with exactly the deployed options (metafile on, which changes no byte). */
export async function bundleLikeDeployed(
  stack: DeployedStack,
  source: BundleEntry,
  outdir: string,
  plugins: Plugin[] = [],
): Promise<BuiltBundle> {
  const input: BuildOptions =
    'entry' in source
      ? { entryPoints: [join(PROJECT_ROOT, source.entry)] }
      : {
          stdin: {
            contents: source.contents,
            resolveDir: PROJECT_ROOT,
            sourcefile: `${source.name}.ts`,
            loader: 'ts',
          },
          outfile: join(outdir, `${source.name}${outputExtension(stack)}`),
        };
  const result = await build({
    ...stack.build,
    ...input,
    ...('entry' in source ? { outdir } : {}),
    plugins,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.entries(result.metafile.outputs);
  if (outputs.length !== 1) throw new Error(`expected one output file, got ${outputs.length}`);
  const [file, output] = outputs[0] as [string, Metafile['outputs'][string]];
  return { file: join(PROJECT_ROOT, file), bytes: output.bytes, metafile: result.metafile };
}

function outputExtension(stack: DeployedStack): string {
  return stack.build.outExtension?.['.js'] ?? '.js';
}

/** Forks `bundle` with plain node (none of this process's loader flags), sends `job`, awaits one reply. */
export function runChild<Job, Result>(
  bundle: string,
  job: Job,
  env: Record<string, string>,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(bundle, [], {
      env: { PATH: process.env.PATH ?? '', ...env },
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let settled = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('message', (message: ChildReply<Result>) => {
      settled = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(`${bundle} failed: ${message.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!settled)
        reject(new Error(`${bundle} exited with ${code} before replying: ${stderr.slice(-2000)}`));
    });
    child.send(job as object);
  });
}
