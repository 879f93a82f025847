/** esbuild with the deployed handler's options, for the handler, baselines and child scripts. */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import type { ChildReply } from './child-protocol.ts';
import { PROJECT_ROOT } from './fixtures.ts';
import type { DeployedStack } from './serverless-stack.ts';

export interface BuiltBundle {
  /** The entry's output file: what a process imports. */
  file: string;
  /** Bytes loaded when the entry is imported: the entry and every chunk it imports statically. */
  bytes: number;
  /** Bytes of the chunks only a dynamic import() loads (none without code splitting). */
  lazyBytes: number;
  /** The output files `bytes` counts, entry first, relative to the project root. */
  loadedOutputs: string[];
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
        };
  const result = await build({
    ...stack.build,
    ...input,
    outdir,
    // Metafile paths are relative to this directory, as `file` below expects.
    absWorkingDir: PROJECT_ROOT,
    plugins: [...stack.plugins, ...plugins],
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  // Chunks of dynamic imports are entry points too; the metafile names the real one as it was given.
  const entryPoint = 'entry' in source ? source.entry : `${source.name}.ts`;
  const entries = Object.keys(outputs).filter((file) => outputs[file]?.entryPoint === entryPoint);
  const [entry] = entries;
  if (entries.length !== 1 || entry === undefined) {
    throw new Error(`expected one entry output, got ${entries.length}`);
  }
  const loadedOutputs = staticallyLoaded(result.metafile, entry);
  const bytesOf = (files: string[]) =>
    files.reduce((sum, file) => sum + (outputs[file]?.bytes ?? 0), 0);
  const lazy = Object.keys(outputs).filter(
    (file) => !loadedOutputs.includes(file) && !file.endsWith('.map'),
  );
  return {
    file: join(PROJECT_ROOT, entry),
    bytes: bytesOf(loadedOutputs),
    lazyBytes: bytesOf(lazy),
    loadedOutputs,
    metafile: result.metafile,
  };
}

/** The entry and the chunks its static imports reach, transitively (what `import` evaluates). */
function staticallyLoaded(metafile: Metafile, entry: string): string[] {
  const loaded = [entry];
  for (let index = 0; index < loaded.length; index += 1) {
    for (const { path, kind } of metafile.outputs[loaded[index] as string]?.imports ?? []) {
      if (kind === 'import-statement' && path in metafile.outputs && !loaded.includes(path)) {
        loaded.push(path);
      }
    }
  }
  return loaded;
}

/**
 * Forks `bundle` with plain node (none of this process's loader flags; `execArgv` only, e.g.
 * Lambda's heap limits), sends `job`, awaits one reply.
 */
export function runChild<Job, Result>(
  bundle: string,
  job: Job,
  env: Record<string, string>,
  execArgv: string[] = [],
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(bundle, [], {
      env: { PATH: process.env.PATH ?? '', ...env },
      execArgv,
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
