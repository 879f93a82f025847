import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { parse } from 'yaml';

/**
 * serverless-esbuild's own keys, which it removes before calling esbuild (serverless-esbuild
 * 1.57.2, dist/bundle.js, `esbuildOptions`).
 */
const PLUGIN_KEYS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
  'config',
  'plugins',
] as const;

export interface DeployedStack {
  /** The esbuild options serverless-esbuild passes for every function, entry and outdir aside. */
  build: BuildOptions;
  /** The esbuild plugins of `custom.esbuild.plugins` (a file exporting them, as serverless-esbuild loads it). */
  plugins: Plugin[];
  /** The function's handler file (`handlers/monitor.ts` for `handlers/monitor.handler`). */
  handlerEntry: string;
  memorySizeMb: number;
  timeoutSeconds: number;
  architecture: string;
  /** The default `schedule` parameter, e.g. `rate(5 minutes)`. */
  schedule: string;
  /** CloudFormation resources of the stack by type (conditional ones included). */
  resourceCounts: Record<string, number>;
  /** Whether the stack has its dashboard unless told otherwise (`params.default.dashboard`). */
  dashboardByDefault: boolean;
}

/**
 * What serverless.yml deploys, as far as the benchmark needs it. The esbuild options come from
 * `custom.esbuild`, turned into esbuild options the way serverless-esbuild 1.57.2 does
 * (dist/index.js `getBuildOptions`, dist/bundle.js `bundle`): its defaults under the block, its
 * own keys removed, `exclude` added to `external`, `outputFileExtension` as `outExtension`.
 */
export async function readDeployedStack(serverlessYml: string): Promise<DeployedStack> {
  const stack = parse(await readFile(serverlessYml, 'utf8')) as {
    params?: { default?: { schedule?: string; dashboard?: unknown } };
    custom?: { esbuild?: Record<string, unknown> };
    provider?: { memorySize?: number; timeout?: number; architecture?: string };
    functions?: Record<string, { handler?: string }>;
    resources?: unknown[];
  };
  const block = stack.custom?.esbuild;
  if (block === undefined) throw new Error(`${serverlessYml} has no custom.esbuild block`);
  if (block.config !== undefined) {
    throw new Error('custom.esbuild names a config file; the bench reads inline options only');
  }
  const merged: Record<string, unknown> = {
    bundle: true,
    target: 'node18',
    external: [],
    exclude: ['aws-sdk'],
    platform: 'node',
    outputFileExtension: '.js',
    ...block,
  };
  const exclude = asStrings(merged.exclude);
  const external = [...asStrings(merged.external), ...(exclude.includes('*') ? [] : exclude)];
  const extension = String(merged.outputFileExtension);
  const options: Record<string, unknown> = { ...merged, external };
  for (const key of PLUGIN_KEYS) delete options[key];
  if (extension !== '.js') options.outExtension = { '.js': extension };
  const handlers = Object.values(stack.functions ?? {}).map(({ handler }) => handler);
  const [handler] = handlers;
  const { memorySize, timeout, architecture } = stack.provider ?? {};
  const schedule = stack.params?.default?.schedule;
  if (handlers.length !== 1 || handler === undefined) {
    throw new Error(`${serverlessYml}: the benchmark expects exactly one function with a handler`);
  }
  if (memorySize === undefined || timeout === undefined || schedule === undefined) {
    throw new Error(
      `${serverlessYml}: provider.memorySize, provider.timeout or params.default.schedule is missing`,
    );
  }
  return {
    build: options as BuildOptions,
    plugins: loadPlugins(serverlessYml, block.plugins),
    handlerEntry: `${handler.slice(0, handler.lastIndexOf('.'))}.ts`,
    memorySizeMb: memorySize,
    timeoutSeconds: timeout,
    architecture: architecture ?? 'x86_64',
    schedule,
    resourceCounts: countResources(stack.resources ?? []),
    dashboardByDefault: String(stack.params?.default?.dashboard) === 'true',
  };
}

/** serverless-esbuild `require`s the file named by `plugins`, relative to the service directory. */
function loadPlugins(serverlessYml: string, file: unknown): Plugin[] {
  if (file === undefined) return [];
  if (typeof file !== 'string') throw new Error('custom.esbuild.plugins must name a file');
  const plugins: unknown = createRequire(import.meta.url)(join(dirname(serverlessYml), file));
  if (!Array.isArray(plugins)) throw new Error(`${file} must export an array of esbuild plugins`);
  return plugins as Plugin[];
}

/** `resources` is a list of fragments; some are `${file(...)}` references, left uncounted. */
function countResources(fragments: unknown[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const fragment of fragments) {
    const resources = (fragment as { Resources?: Record<string, { Type?: string }> } | null)
      ?.Resources;
    for (const { Type } of Object.values(resources ?? {})) {
      if (Type !== undefined) counts[Type] = (counts[Type] ?? 0) + 1;
    }
  }
  return counts;
}

/** Runs a month of 30 days holds for an EventBridge `rate(N unit)` expression. */
export function runsPerMonth(schedule: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule);
  if (!match) throw new Error(`cannot count the runs of schedule ${JSON.stringify(schedule)}`);
  const minutes = { minute: 1, hour: 60, day: 1440 }[
    (match[2] as string).replace(/s$/, '') as 'minute'
  ];
  return (30 * 24 * 60) / (Number(match[1]) * minutes);
}

function asStrings(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  return values.filter((item): item is string => typeof item === 'string');
}
