import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// What `serverless package` reads: the stack and its local plugin, the code esbuild bundles, the
// config, and the CLI the plugin runs to validate it. node_modules is linked, not copied.
const PROJECT_ENTRIES = [
  'serverless.yml',
  'serverless',
  'package.json',
  'tsconfig.json',
  'bin',
  'config',
  'handlers',
  'src',
];

export const OSLS_BIN = join(REPO_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
const PACKAGE_TIMEOUT_MS = 120_000;

/** What a `serverless package` run left behind. */
export interface PackageRun {
  /** The process exit code (null: killed). */
  code: number | null;
  /** stdout and stderr together, as a person at a terminal sees them. */
  output: string;
  /** The --package directory: the templates and the zip, when packaging succeeded. */
  outDir: string;
}

/**
 * A copy of the project in a temporary directory. Packaging runs there, not in the working
 * tree: serverless-esbuild writes its work folder into the service directory, several runs go
 * in parallel, and other people edit the tree at the same time.
 */
export function copyProject(dir = mkdtempSync(join(tmpdir(), 'bam-stack-'))): string {
  mkdirSync(dir, { recursive: true });
  for (const entry of PROJECT_ENTRIES) {
    cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export function removeDirectory(dir: string | undefined): void {
  if (dir !== undefined && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

/**
 * The environment of an offline run with no AWS credentials at all: no key variables, no
 * profile, a HOME without ~/.aws, and osls's telemetry and notifications off.
 */
export function offlineEnvironment(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('AWS_') || name.startsWith('SLS_') || name.startsWith('SERVERLESS_')) {
      continue;
    }
    env[name] = value;
  }
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_TRACKING_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_DEPRECATION_DISABLE: '*',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
  };
}

/** Runs `serverless package --package <outDir>` (osls from node_modules) in a project copy. */
export function packageStack(
  projectDir: string,
  params: Record<string, string> = {},
  timeoutMs = PACKAGE_TIMEOUT_MS,
): Promise<PackageRun> {
  const outDir = join(projectDir, '.package-out');
  const home = join(projectDir, '.home');
  mkdirSync(home, { recursive: true });
  const args = [OSLS_BIN, 'package', '--package', outDir];
  for (const [name, value] of Object.entries(params)) args.push(`--param=${name}=${value}`);

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: projectDir,
      env: offlineEnvironment(home),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, outDir });
    });
  });
}

/** What to package: the stack with these `--param` values, and another watched-models file. */
export interface StackVariant {
  params?: Record<string, string>;
  /** The content of config/watched-models.yml, instead of the repository's. */
  watchedModels?: string;
  /** Local plugins (as serverless.yml lists them: ./serverless/x.cjs) left out of the stack. */
  withoutPlugins?: string[];
}

/** The key of a variant: the same parameters in any order are the same variant. */
export function variantKey({ params = {}, watchedModels, withoutPlugins }: StackVariant): string {
  const sortedParams = Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Without plugins left out, the key is what it always was: caches stay valid.
  const left = withoutPlugins === undefined ? {} : { withoutPlugins: [...withoutPlugins].sort() };
  return createHash('sha256')
    .update(JSON.stringify({ params: sortedParams, watchedModels: watchedModels ?? null, ...left }))
    .digest('hex')
    .slice(0, 16);
}

const packagedInThisFile = new Map<string, Promise<PackageRun>>();

/**
 * The stack packaged for `variant`, once per test run: every test file of the infra project that
 * asks for the same variant gets the same run (the cache directory is the project's globalSetup,
 * package-cache-setup.ts). Read its outDir; never write into it.
 */
export function packagedStack(variant: StackVariant = {}): Promise<PackageRun> {
  const key = variantKey(variant);
  let run = packagedInThisFile.get(key);
  if (run === undefined) {
    run = packageOnce(key, variant);
    packagedInThisFile.set(key, run);
  }
  return run;
}

interface StoredRun {
  run?: PackageRun;
  error?: string;
}

async function packageOnce(key: string, variant: StackVariant): Promise<PackageRun> {
  const cache = inject('stackPackageCache');
  if (typeof cache !== 'string') {
    throw new Error(
      'packagedStack() runs in the infra project (test/infra/), whose globalSetup it needs',
    );
  }
  const dir = join(cache, key);
  const stored = join(dir, 'run.json');
  const owner = join(dir, 'owner.pid');
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return waitForRun(stored, owner, variant); // another test file packages this variant
  }
  writeFileSync(owner, String(process.pid));
  let result: StoredRun;
  try {
    const projectDir = copyProject(join(dir, 'project'));
    if (variant.watchedModels !== undefined) {
      writeFileSync(join(projectDir, 'config', 'watched-models.yml'), variant.watchedModels);
    }
    if (variant.withoutPlugins !== undefined) leaveOutPlugins(projectDir, variant.withoutPlugins);
    result = { run: await withPackagingSlot(() => packageStack(projectDir, variant.params)) };
  } catch (error) {
    result = { error: String(error) };
  }
  writeFileSync(`${stored}.partial`, JSON.stringify(result));
  renameSync(`${stored}.partial`, stored);
  return runOf(result, variant);
}

/** The run another test file is doing; the timeout of the hook that asked for it bounds the wait. */
async function waitForRun(
  stored: string,
  owner: string,
  variant: StackVariant,
): Promise<PackageRun> {
  while (!existsSync(stored)) {
    // A test file that timed out or crashed never stores its run: fail now rather than at the
    // hook's timeout.
    if (!isRunning(owner) && !existsSync(stored)) {
      throw new Error(
        `the test file packaging ${JSON.stringify(variant)} stopped before it finished; its own failure says why`,
      );
    }
    await sleep(250);
  }
  return runOf(JSON.parse(readFileSync(stored, 'utf8')) as StoredRun, variant);
}

/** Whether the process named in a pid file runs (or has only just claimed the variant). */
function isRunning(pidFile: string): boolean {
  if (!existsSync(pidFile)) return true;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8')), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function runOf(stored: StoredRun, variant: StackVariant): PackageRun {
  if (stored.run === undefined) {
    throw new Error(`packaging ${JSON.stringify(variant)} did not run: ${stored.error}`);
  }
  return stored.run;
}

// One `serverless package` per core at a time: the timeout of each run then bounds that run,
// not the others queued for the same cores.
const packagingSlots = availableParallelism();
let busySlots = 0;
const waitingForSlot: (() => void)[] = [];

async function withPackagingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (busySlots < packagingSlots) busySlots += 1;
  else await new Promise<void>((resolve) => waitingForSlot.push(resolve));
  try {
    return await work();
  } finally {
    // A waiting run takes the slot over, still counted as busy.
    const next = waitingForSlot.shift();
    if (next) next();
    else busySlots -= 1;
  }
}

/** Removes each plugin's line from the copy's serverless.yml; one it does not list is an error. */
function leaveOutPlugins(projectDir: string, plugins: readonly string[]): void {
  const file = join(projectDir, 'serverless.yml');
  let text = readFileSync(file, 'utf8');
  for (const plugin of plugins) {
    const line = `  - ${plugin}\n`;
    if (!text.includes(line)) throw new Error(`serverless.yml does not list the plugin ${plugin}`);
    text = text.replace(line, '');
  }
  writeFileSync(file, text);
}
