/**
 * The local state files' two guarantees, shared by the pair store (file-state-store.ts) and the
 * account-status store (file-account-status.ts): one read-modify-write of a file at a time in
 * this process, and a file replaced atomically (temporary file, fsync, rename), so a change is
 * durable when it resolves and a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateFileError } from '../errors.ts';

/** The change of each file under way in this process. */
const changesInFlight = new Map<string, Promise<void>>();

/**
 * Runs `change` after every change of `path` this process started before it: two
 * read-modify-writes that overlap would both read the same versions and the later rename would
 * drop the earlier change.
 */
export function changeSerially<T>(path: string, change: () => Promise<T>): Promise<T> {
  const previous = changesInFlight.get(path) ?? Promise.resolve();
  const run = previous.then(change);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  changesInFlight.set(path, settled);
  void settled.then(() => {
    if (changesInFlight.get(path) === settled) changesInFlight.delete(path);
  });
  return run;
}

export async function writeAtomically(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new StateFileError(`cannot write the state file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
