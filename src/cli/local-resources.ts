/**
 * One line for a file or a port given on the command line that cannot be used, instead of
 * Node's ENOENT / EISDIR / EADDRINUSE and a stack: which one, why, and what to give instead.
 */
import { stat } from 'node:fs/promises';
import { LocalResourceError } from '../errors.ts';

interface FileRole {
  /** What the file is for: `scenario file`, `state file`. */
  what: string;
  path: string;
  /** What to do instead, as the end of a sentence: `leave out --scenario for the bundled one`. */
  instead: string;
}

const FILE_CODES: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'does not exist (a part of its path is a file)',
  EISDIR: 'is a directory, not a file',
  EACCES: 'cannot be read: permission denied',
  EPERM: 'cannot be read: permission denied',
};

/** Rethrows a file-system failure (in `error` or its cause) as one line about `file`. */
export function rethrowAsFileProblem(error: unknown, file: FileRole): never {
  const code = errnoCode(error) ?? errnoCode((error as { cause?: unknown } | null)?.cause);
  const problem = code === undefined ? undefined : FILE_CODES[code];
  if (problem === undefined) throw error;
  throw new LocalResourceError(`The ${file.what} ${file.path} ${problem}: ${file.instead}.`, {
    cause: error,
  });
}

/** Refuses a state path that is a directory before anything is read or written there. */
export async function assertStatePathIsFile(path: string): Promise<void> {
  const found = await stat(path).catch(() => undefined);
  if (found?.isDirectory()) {
    throw new LocalResourceError(
      `The state file ${path} is a directory, not a file: give a file path with --state, like ${path.replace(/\/+$/, '')}/state.json.`,
    );
  }
}

/** Rethrows a failure to listen on `port` as one line; anything else as it is. */
export function rethrowAsPortProblem(error: unknown, host: string, port: number): never {
  const code = errnoCode(error);
  if (code === 'EADDRINUSE') {
    throw new LocalResourceError(
      `Port ${port} on ${host} is already in use: stop what listens there, or give another port with --port (0 picks a free one).`,
      { cause: error },
    );
  }
  if (code === 'EACCES') {
    throw new LocalResourceError(
      `Port ${port} on ${host} needs privileges this user does not have: give a port above 1023 with --port (0 picks a free one).`,
      { cause: error },
    );
  }
  throw error;
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
