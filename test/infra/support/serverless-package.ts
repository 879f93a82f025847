import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
export function copyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bam-stack-'));
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
  timeoutMs = 120_000,
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
