/**
 * Part 3, cold start, for information (issue 9 retired its goal: a job that runs every few
 * minutes and spends seconds on checks gains nothing from tens of milliseconds). The handler
 * bundle built with the deployed options, against a baseline bundle that only imports the same
 * SDK clients and Powertools packages (same options, same run), each imported by fresh node
 * processes, interleaved so they share the machine's noise; and what the handler bundle is made
 * of. A whole cold start, import and first run, is part 4's deployed handler run.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BuiltBundle, bundleLikeDeployed } from './bundle.ts';
import { PROJECT_ROOT, sdkEnvironment, TOPIC_ARN } from './fixtures.ts';
import type { DeployedStack } from './serverless-stack.ts';
import { median, round } from './stats.ts';

const run = promisify(execFile);

/** Imports the file named by the first argument and prints the milliseconds it took. */
const IMPORT_PROBE = `const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));`;

export interface MeasuredBundle {
  name: string;
  /** Loaded by the import: the entry and its static chunks. */
  bytes: number;
  /** Behind dynamic imports (the SDK's own), loaded only when the code asks for them. */
  lazyBytes: number;
  importMs: number[];
  medianImportMs: number;
}

export interface ColdStartReport {
  handler: MeasuredBundle;
  /** Every SDK client and Powertools package the handler's code uses, imported alone. */
  baseline: MeasuredBundle & { imports: string[] };
  ratio: number;
  topPackages: Array<{ package: string; bytes: number }>;
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
  const measured: Array<[string, BuiltBundle]> = [
    ['handler', handler],
    ['baseline', baseline],
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
  options.progress(
    `cold start: handler ${handler.bytes} bytes, ${handlerMeasured.medianImportMs} ms; baseline ${baseline.bytes} bytes, ${baselineMeasured.medianImportMs} ms; ratio ${ratio}`,
  );
  return {
    handler: handlerMeasured,
    baseline: { ...baselineMeasured, imports },
    ratio,
    topPackages: topPackages(handler, 10),
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
