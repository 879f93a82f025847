/**
 * Part 3, cold start: the handler bundle built with the deployed options, against a baseline
 * bundle that only imports the same SDK clients and Powertools packages (same options, same
 * run), each imported by fresh node processes, interleaved so they share the machine's noise.
 * With code splitting, a bundle's size is what importing it loads: the entry and the chunks it
 * imports statically; chunks behind a dynamic import() are reported apart. Also what the
 * loaded part is made of, and the import cost of single dependencies alone.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type BuiltBundle, bundleLikeDeployed } from './bundle.ts';
import { PROJECT_ROOT, sdkEnvironment, TOPIC_ARN } from './fixtures.ts';
import type { DeployedStack } from './serverless-stack.ts';
import { median, round } from './stats.ts';

const run = promisify(execFile);

/** Imports the file named by the first argument and prints the milliseconds it took. */
const IMPORT_PROBE = `const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));`;

/**
 * What handlers/monitor.ts creates at module scope, each timed after the import in a fresh
 * process, in the order it creates them; plus a second SDK client, to tell the first client's
 * one-time cost (the SDK's configuration code, compiled on first use) from a client's own.
 */
const INIT_STEPS = `
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
export const steps = {
  'Powertools Logger': () => new Logger(),
  'Powertools Metrics': () => new Metrics(),
  'DynamoDB client (the first SDK client)': () => DynamoDBDocumentClient.from(new DynamoDBClient({})),
  'a second SDK client (Bedrock, created on the first check)': () => new BedrockClient({ region: 'us-east-1' }),
};`;
const INIT_PROBE = `const { steps } = await import(process.argv[1]); const ms = {}; for (const [name, step] of Object.entries(steps)) { const t = performance.now(); step(); ms[name] = performance.now() - t; } process.stdout.write(JSON.stringify(ms));`;

/**
 * Full zod as the simulator imports it (`import * as z from 'zod'`), against the named import
 * the lint rule forbids and against zod/mini as everything the Lambda loads imports it; and
 * yaml's parser.
 */
const DEPENDENCY_PROBES: Record<string, string> = {
  'nothing (node alone)': 'export const nothing = 0;',
  "zod, import { z } from 'zod' (forbidden by biome.json)":
    "import { z } from 'zod'; export const schema = z.object({ a: z.string() });",
  "zod, import * as z from 'zod'":
    "import * as z from 'zod'; export const schema = z.object({ a: z.string() });",
  'zod/mini with its English locale, as src/validation/zod-mini.ts loads it':
    "import * as z from './src/validation/zod-mini.ts'; export const schema = z.object({ a: z.string() });",
  "yaml, import { parseDocument } from 'yaml'": "export { parseDocument } from 'yaml';",
};

export interface MeasuredBundle {
  name: string;
  /** Loaded by the import: the entry and its static chunks. */
  bytes: number;
  /** Behind dynamic imports, loaded only when the code asks for them. */
  lazyBytes: number;
  importMs: number[];
  medianImportMs: number;
}

export interface ColdStartReport {
  handler: MeasuredBundle;
  /** The goal's baseline: every SDK client and Powertools package the handler's code uses. */
  baseline: MeasuredBundle & { imports: string[] };
  ratio: number;
  /**
   * Only the packages the handler loads at start (the SNS and Bedrock Runtime clients wait for
   * the first publish or verification): what the handler's own code and data add on top.
   */
  baselineAtStart: MeasuredBundle & { imports: string[]; ratio: number };
  /**
   * The handler's modules, evaluated but with nothing created (no Logger, Metrics or DynamoDB
   * client): what the import costs before the work handlers/monitor.ts does at module scope.
   */
  modulesOnly: MeasuredBundle & { ratio: number };
  /** Median ms of each thing the handler creates at module scope (INIT_STEPS). */
  initSteps: Array<{ step: string; medianMs: number }>;
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
  const imports = await packageImportsOf(Object.keys(handler.metafile.inputs));
  const baseline = await bundleLikeDeployed(
    stack,
    { contents: imports.join('\n'), name: 'baseline' },
    join(outdir, 'baseline'),
  );
  const importsAtStart = await packageImportsOf(
    handler.loadedOutputs.flatMap((file) =>
      Object.keys(handler.metafile.outputs[file]?.inputs ?? {}),
    ),
  );
  const baselineAtStart = await bundleLikeDeployed(
    stack,
    { contents: importsAtStart.join('\n'), name: 'baseline-at-start' },
    join(outdir, 'baseline-at-start'),
  );
  const modulesOnly = await bundleLikeDeployed(
    stack,
    { contents: await reexportedImportsOf(stack.handlerEntry), name: 'modules-only' },
    join(outdir, 'modules-only'),
  );
  const initSteps = await bundleLikeDeployed(
    stack,
    { contents: INIT_STEPS, name: 'init-steps' },
    join(outdir, 'init-steps'),
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
    ['baseline at start', baselineAtStart],
    ['modules only', modulesOnly],
    ...dependencies,
  ];
  const times = new Map<string, number[]>(measured.map(([name]) => [name, []]));
  const stepTimes = new Map<string, number[]>();
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
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', INIT_PROBE, initSteps.file],
      { env },
    );
    for (const [step, ms] of Object.entries(JSON.parse(stdout) as Record<string, number>)) {
      stepTimes.set(step, [...(stepTimes.get(step) ?? []), ms]);
    }
  }
  const measure = (name: string, bundle: BuiltBundle): MeasuredBundle => {
    const importMs = (times.get(name) ?? []).map((ms) => round(ms, 1));
    return {
      name,
      bytes: bundle.bytes,
      lazyBytes: bundle.lazyBytes,
      importMs,
      medianImportMs: round(median(importMs), 1),
    };
  };
  const handlerMeasured = measure('handler', handler);
  const baselineMeasured = measure('baseline', baseline);
  const ratio = round(handlerMeasured.medianImportMs / baselineMeasured.medianImportMs, 3);
  const atStart = measure('baseline at start', baselineAtStart);
  const modules = measure('modules only', modulesOnly);
  const goalBytes = 700_000;
  const goalRatio = 1.15;
  options.progress(
    `cold start: handler ${handler.bytes} bytes, ${handlerMeasured.medianImportMs} ms; baseline ${baseline.bytes} bytes, ${baselineMeasured.medianImportMs} ms; ratio ${ratio}`,
  );
  return {
    handler: handlerMeasured,
    baseline: { ...baselineMeasured, imports: imports },
    ratio,
    baselineAtStart: {
      ...atStart,
      imports: importsAtStart,
      ratio: round(handlerMeasured.medianImportMs / atStart.medianImportMs, 3),
    },
    modulesOnly: {
      ...modules,
      ratio: round(modules.medianImportMs / baselineMeasured.medianImportMs, 3),
    },
    initSteps: [...stepTimes].map(([step, ms]) => ({ step, medianMs: round(median(ms), 2) })),
    dependencies: dependencies.map(([name, bundle]) => measure(name, bundle)),
    topInputs: topInputs(handler, 10),
    topPackages: topPackages(handler, 10),
    goalBytes,
    goalRatio,
    goalMet: handler.bytes <= goalBytes && ratio <= goalRatio,
    handlerFile: handler.file,
  };
}

/**
 * A baseline's entry: every value import of an AWS SDK or Powertools package in the handler's
 * own files among `inputs` (those under src/ and handlers/), re-exported so esbuild keeps them.
 */
async function packageImportsOf(inputs: string[]): Promise<string[]> {
  const byPackage = new Map<string, Set<string>>();
  const ownFiles = [...new Set(inputs)].filter((input) => /^(src|handlers)\/.*\.ts$/.test(input));
  for (const file of ownFiles) {
    const source = await readFile(join(PROJECT_ROOT, file), 'utf8');
    for (const { names, from } of valueImportsOf(source)) {
      if (!/^(@aws-sdk|@aws-lambda-powertools)\//.test(from)) continue;
      const set = byPackage.get(from) ?? new Set<string>();
      for (const name of names) set.add(name);
      byPackage.set(from, set);
    }
  }
  return [...byPackage]
    .filter(([, names]) => names.size > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([from, names]) => `export { ${[...names].sort().join(', ')} } from '${from}';`);
}

/** The inputs of the outputs an import loads, with their bytes in those outputs. */
function loadedInputs(bundle: BuiltBundle): Array<[string, number]> {
  return bundle.loadedOutputs.flatMap((file) =>
    Object.entries(bundle.metafile.outputs[file]?.inputs ?? {}).map(
      ([input, { bytesInOutput }]): [string, number] => [input, bytesInOutput],
    ),
  );
}

function topInputs(bundle: BuiltBundle, count: number): Array<{ input: string; bytes: number }> {
  return loadedInputs(bundle)
    .map(([input, bytes]) => ({ input, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

function topPackages(
  bundle: BuiltBundle,
  count: number,
): Array<{ package: string; bytes: number }> {
  const totals = new Map<string, number>();
  for (const [input, bytesInOutput] of loadedInputs(bundle)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    const key = match ? (match[1] as string) : `${input.split('/').slice(0, 2).join('/')}/`;
    totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
  }
  return [...totals]
    .map(([name, bytes]) => ({ package: name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

/**
 * An entry that evaluates every module `entry` imports and runs none of its own code: its
 * named imports, re-exported (paths made relative to the project root, where entries resolve).
 */
async function reexportedImportsOf(entry: string): Promise<string> {
  const source = await readFile(join(PROJECT_ROOT, entry), 'utf8');
  return valueImportsOf(source)
    .filter(({ names }) => names.length > 0)
    .map(({ names, from }) => {
      const path = from.startsWith('.') ? `./${join(dirname(entry), from)}` : from;
      return `export { ${names.join(', ')} } from '${path}';`;
    })
    .join('\n');
}

/** The value names of each `import { ... } from '...'` declaration; type-only imports give none. */
function valueImportsOf(source: string): Array<{ names: string[]; from: string }> {
  const declarations = source.matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)';/gm);
  return [...declarations].map(([, typeOnly, names = '', from = '']) => ({
    from,
    names: typeOnly
      ? []
      : names
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name.length > 0 && !name.startsWith('type ')),
  }));
}
