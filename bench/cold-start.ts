/**
 * Part 3, cold start: the handler bundle built with the deployed options, against a baseline
 * bundle that only imports the same SDK clients and Powertools packages (same options, same
 * run), each imported by fresh node processes, interleaved so they share the machine's noise.
 * Also what the bundle is made of, the handler without its YAML parser, and the import cost of
 * its two heaviest dependencies alone.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Metafile, Plugin } from 'esbuild';
import { type BuiltBundle, bundleLikeDeployed } from './bundle.ts';
import { PROJECT_ROOT, sdkEnvironment, TOPIC_ARN } from './fixtures.ts';
import type { DeployedStack } from './serverless-stack.ts';
import { median, round } from './stats.ts';

const run = promisify(execFile);

/** Imports the file named by the first argument and prints the milliseconds it took. */
const IMPORT_PROBE = `const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));`;

/**
 * zod as src imports it (`import * as z from 'zod'`), against the named import the lint rule
 * forbids and against zod/mini; and yaml's parser.
 */
const DEPENDENCY_PROBES: Record<string, string> = {
  'nothing (node alone)': 'export const nothing = 0;',
  "zod, import { z } from 'zod' (forbidden by biome.json)":
    "import { z } from 'zod'; export const schema = z.object({ a: z.string() });",
  "zod, import * as z from 'zod'":
    "import * as z from 'zod'; export const schema = z.object({ a: z.string() });",
  "zod/mini, import * as z from 'zod/mini'":
    "import * as z from 'zod/mini'; export const schema = z.object({ a: z.string() });",
  "yaml, import { parseDocument } from 'yaml'": "export { parseDocument } from 'yaml';",
};

export interface MeasuredBundle {
  name: string;
  bytes: number;
  importMs: number[];
  medianImportMs: number;
}

export interface ColdStartReport {
  handler: MeasuredBundle;
  baseline: MeasuredBundle & { imports: string[] };
  ratio: number;
  /**
   * The handler without the yaml package: what the import would cost with the config parsed at
   * package time. Not a working handler (no config could be read): for the import time and size
   * only.
   */
  withoutYaml: MeasuredBundle & { ratio: number };
  dependencies: MeasuredBundle[];
  topInputs: Array<{ input: string; bytes: number }>;
  topPackages: Array<{ package: string; bytes: number }>;
  goalBytes: number;
  goalRatio: number;
  goalMet: boolean;
  /** The deployed handler bundle, for the runs of parts 4 and 5. */
  handlerFile: string;
}

export async function measureColdStart(options: {
  stack: DeployedStack;
  outdir: string;
  rounds: number;
  progress: (line: string) => void;
}): Promise<ColdStartReport> {
  const { stack, outdir } = options;
  const handler = await bundleLikeDeployed(
    stack,
    { entry: stack.handlerEntry },
    join(outdir, 'handler'),
  );
  const imports = await packageImportsOf(handler.metafile);
  const baseline = await bundleLikeDeployed(
    stack,
    { contents: imports.join('\n'), name: 'baseline' },
    join(outdir, 'baseline'),
  );
  const withoutYaml = await bundleLikeDeployed(
    stack,
    { entry: stack.handlerEntry },
    join(outdir, 'without-yaml'),
    [yamlLeftOut()],
  );
  const dependencies: Array<[string, BuiltBundle]> = [];
  for (const [name, contents] of Object.entries(DEPENDENCY_PROBES)) {
    const slug = `dependency-${dependencies.length}`;
    dependencies.push([
      name,
      await bundleLikeDeployed(stack, { contents, name: slug }, join(outdir, slug)),
    ]);
  }

  const measured: Array<[string, BuiltBundle]> = [
    ['handler', handler],
    ['baseline', baseline],
    ['handler without yaml', withoutYaml],
    ...dependencies,
  ];
  const times = new Map<string, number[]>(measured.map(([name]) => [name, []]));
  const env = {
    ...sdkEnvironment({}),
    // The handler reads its environment at import (handlers/monitor.ts).
    STATE_TABLE_NAME: 'bedrock-access-monitor-bench-state',
    ALERT_TOPIC_ARN: TOPIC_ARN,
    POWERTOOLS_SERVICE_NAME: 'bedrock-access-monitor-prod',
    POWERTOOLS_METRICS_NAMESPACE: 'BedrockAccessMonitor',
    PATH: process.env.PATH ?? '',
  };
  for (let round_ = 0; round_ < options.rounds; round_ += 1) {
    for (const [name, bundle] of measured) {
      const { stdout } = await run(
        process.execPath,
        ['--input-type=module', '-e', IMPORT_PROBE, bundle.file],
        { env },
      );
      times.get(name)?.push(Number(stdout));
    }
  }
  const measure = (name: string, bundle: BuiltBundle): MeasuredBundle => {
    const importMs = (times.get(name) ?? []).map((ms) => round(ms, 1));
    return { name, bytes: bundle.bytes, importMs, medianImportMs: round(median(importMs), 1) };
  };
  const handlerMeasured = measure('handler', handler);
  const baselineMeasured = measure('baseline', baseline);
  const withoutYamlMeasured = measure('handler without yaml', withoutYaml);
  const ratio = round(handlerMeasured.medianImportMs / baselineMeasured.medianImportMs, 3);
  const goalBytes = 700_000;
  const goalRatio = 1.15;
  options.progress(
    `cold start: handler ${handler.bytes} bytes, ${handlerMeasured.medianImportMs} ms; baseline ${baseline.bytes} bytes, ${baselineMeasured.medianImportMs} ms; ratio ${ratio}`,
  );
  return {
    handler: handlerMeasured,
    baseline: { ...baselineMeasured, imports: imports },
    ratio,
    withoutYaml: {
      ...withoutYamlMeasured,
      ratio: round(withoutYamlMeasured.medianImportMs / baselineMeasured.medianImportMs, 3),
    },
    dependencies: dependencies.map(([name, bundle]) => measure(name, bundle)),
    topInputs: topInputs(handler.metafile, 10),
    topPackages: topPackages(handler.metafile, 10),
    goalBytes,
    goalRatio,
    goalMet: handler.bytes <= goalBytes && ratio <= goalRatio,
    handlerFile: handler.file,
  };
}

/**
 * The baseline's entry: every value import of an AWS SDK or Powertools package in the handler's
 * own files (those the metafile lists under src/ and handlers/), re-exported so esbuild keeps them.
 */
async function packageImportsOf(metafile: Metafile): Promise<string[]> {
  const byPackage = new Map<string, Set<string>>();
  const ownFiles = Object.keys(metafile.inputs).filter((input) =>
    /^(src|handlers)\/.*\.ts$/.test(input),
  );
  for (const file of ownFiles) {
    const source = await readFile(join(PROJECT_ROOT, file), 'utf8');
    const declarations = source.matchAll(
      /^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'((?:@aws-sdk|@aws-lambda-powertools)\/[^']+)';/gm,
    );
    for (const [, typeOnly, names = '', from = ''] of declarations) {
      if (typeOnly) continue;
      const values = names
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name.length > 0 && !name.startsWith('type '));
      const set = byPackage.get(from) ?? new Set<string>();
      for (const name of values) set.add(name);
      byPackage.set(from, set);
    }
  }
  return [...byPackage]
    .filter(([, names]) => names.size > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([from, names]) => `export { ${[...names].sort().join(', ')} } from '${from}';`);
}

/** Resolves `yaml` to a stub that throws if called: the bundle without the YAML parser. */
function yamlLeftOut(): Plugin {
  return {
    name: 'bench-yaml-left-out',
    setup(build) {
      build.onResolve({ filter: /^yaml$/ }, () => ({ path: 'yaml', namespace: 'bench-stub' }));
      build.onLoad({ filter: /.*/, namespace: 'bench-stub' }, () => ({
        contents: [
          'const leftOut = () => { throw new Error("yaml is left out of this bundle"); };',
          'export const parseDocument = leftOut, isMap = leftOut, isNode = leftOut, isScalar = leftOut, isSeq = leftOut;',
          'export class LineCounter { constructor() { leftOut(); } }',
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
}

function topInputs(metafile: Metafile, count: number): Array<{ input: string; bytes: number }> {
  const output = Object.values(metafile.outputs)[0];
  return Object.entries(output?.inputs ?? {})
    .map(([input, { bytesInOutput }]) => ({ input, bytes: bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

function topPackages(metafile: Metafile, count: number): Array<{ package: string; bytes: number }> {
  const output = Object.values(metafile.outputs)[0];
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = match ? (match[1] as string) : `${input.split('/').slice(0, 2).join('/')}/`;
    totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
  }
  return [...totals]
    .map(([name, bytes]) => ({ package: name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}
