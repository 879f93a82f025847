import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StateFileError } from '../errors.ts';
import { type PairRecord, pairKey } from '../grants/pair-record.ts';
import type { TransitionEvent } from '../grants/types.ts';
import {
  describeInvalidRecord,
  pairRecordSchema,
  transitionEventSchema,
} from './pair-record-schema.ts';
import type { HistoryQuery, LoadedState, StateStore } from './state-store.ts';

export const STATE_FILE_SCHEMA = 'bedrock-access-monitor/state-file/v1';

interface StateFile {
  schema: typeof STATE_FILE_SCHEMA;
  /** Kept as stored: items this version cannot read are written back untouched. */
  pairs: unknown[];
  history: unknown[];
}

interface Entry {
  record: PairRecord;
  /** The version the file held when this run read it; checked again before writing. */
  versionOnDisk: number;
}

/**
 * The CLI's state: one JSON file, read once per run and replaced atomically (temporary file
 * and rename) by flush(). A file that is not ours, or not JSON, is refused and left as it is.
 */
export class FileStateStore implements StateStore {
  readonly #path: string;
  readonly #historyRetentionMs: number;
  #file: StateFile | undefined;
  #entries = new Map<string, Entry>();
  #dirty = new Set<string>();
  /** Dirty keys whose pair leaves the file at the next flush (`status --prune`). */
  #removed = new Set<string>();
  #newHistory: TransitionEvent[] = [];

  constructor(path: string, options: { historyRetentionDays?: number } = {}) {
    this.#path = path;
    this.#historyRetentionMs = (options.historyRetentionDays ?? 90) * 86_400_000;
  }

  get path(): string {
    return this.#path;
  }

  /** Every readable record of every account in the file (for `status`). */
  async loadAllAccounts(): Promise<LoadedState> {
    return this.load(undefined);
  }

  async load(account: string | undefined): Promise<LoadedState> {
    const file = await this.#read();
    this.#file = file;
    this.#entries.clear();
    const loaded: LoadedState = { records: [], skipped: [] };
    file.pairs.forEach((item, index) => {
      const parsed = pairRecordSchema.safeParse(item);
      if (!parsed.success) {
        loaded.skipped.push({
          key: `pairs[${index}]`,
          reason: describeInvalidRecord(parsed.error.issues),
        });
        return;
      }
      const record = parsed.data;
      this.#entries.set(storeKey(record), { record, versionOnDisk: record.version });
      if (account === undefined || record.account === account) loaded.records.push(record);
    });
    return loaded;
  }

  async put(next: PairRecord, expectedVersion: number): Promise<boolean> {
    const key = storeKey(next);
    const current = this.#entries.get(key);
    if ((current?.record.version ?? 0) !== expectedVersion) return false;
    this.#entries.set(key, { record: next, versionOnDisk: current?.versionOnDisk ?? 0 });
    this.#dirty.add(key);
    return true;
  }

  async appendHistory(event: TransitionEvent): Promise<void> {
    if (!this.#newHistory.some((known) => known.eventId === event.eventId)) {
      this.#newHistory.push(event);
    }
  }

  async removeFromOutbox(
    pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
    eventId: string,
  ): Promise<void> {
    const key = storeKey(pair);
    const entry = this.#entries.get(key);
    if (entry === undefined || !entry.record.outbox.some((item) => item.event.eventId === eventId))
      return;
    const outbox = entry.record.outbox.filter((item) => item.event.eventId !== eventId);
    const record = { ...entry.record, outbox, version: entry.record.version + 1 };
    this.#entries.set(key, { ...entry, record });
    this.#dirty.add(key);
  }

  /** Drops loaded pairs from the file at the next flush (`status --prune`); history stays. */
  async remove(pairs: ReadonlyArray<Pick<PairRecord, 'account' | 'region' | 'modelId'>>) {
    for (const pair of pairs) {
      const key = storeKey(pair);
      if (!this.#entries.has(key)) continue;
      this.#removed.add(key);
      this.#dirty.add(key);
    }
  }

  async history(query: HistoryQuery): Promise<TransitionEvent[]> {
    const file = this.#file ?? (await this.#read());
    return readableHistory(file.history)
      .filter((event) => event.account === query.account)
      .filter((event) => query.modelId === undefined || event.modelId === query.modelId)
      .filter((event) => query.region === undefined || event.region === query.region)
      .filter((event) => query.since === undefined || event.observedAt >= query.since)
      .sort((a, b) => a.observedAt.localeCompare(b.observedAt));
  }

  async flush(): Promise<void> {
    if (this.#dirty.size === 0 && this.#newHistory.length === 0) return;
    // Re-read: another process may have written the file since load(). Refuse rather than
    // overwrite its work; nothing of this run has been published yet at the first flush.
    const onDisk = await this.#read();
    const diskVersions = new Map<string, number>();
    for (const item of onDisk.pairs) {
      const parsed = pairRecordSchema.safeParse(item);
      if (parsed.success) diskVersions.set(storeKey(parsed.data), parsed.data.version);
    }
    for (const key of this.#dirty) {
      const entry = this.#entries.get(key) as Entry;
      if ((diskVersions.get(key) ?? 0) !== entry.versionOnDisk) {
        throw new StateFileError(
          `${this.#path} was changed by another run while this one was working; nothing of this run was saved. Run again.`,
        );
      }
    }
    const pairs = onDisk.pairs.filter((item) => {
      const parsed = pairRecordSchema.safeParse(item);
      return !parsed.success || !this.#dirty.has(storeKey(parsed.data));
    });
    for (const key of this.#dirty) {
      if (!this.#removed.has(key)) pairs.push((this.#entries.get(key) as Entry).record);
    }
    const cutoff = new Date(Date.now() - this.#historyRetentionMs).toISOString();
    const knownIds = new Set(readableHistory(onDisk.history).map((event) => event.eventId));
    const history = [
      ...onDisk.history.filter((item) => {
        const parsed = transitionEventSchema.safeParse(item);
        return !parsed.success || parsed.data.observedAt >= cutoff;
      }),
      ...this.#newHistory.filter((event) => !knownIds.has(event.eventId)),
    ];
    const file: StateFile = { schema: STATE_FILE_SCHEMA, pairs, history };
    await writeAtomically(this.#path, `${JSON.stringify(file, null, 2)}\n`);
    this.#file = file;
    for (const key of this.#removed) {
      this.#entries.delete(key);
      this.#dirty.delete(key);
    }
    this.#removed.clear();
    for (const key of this.#dirty) {
      const entry = this.#entries.get(key) as Entry;
      this.#entries.set(key, { ...entry, versionOnDisk: entry.record.version });
    }
    this.#dirty.clear();
    this.#newHistory = [];
  }

  async #read(): Promise<StateFile> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { schema: STATE_FILE_SCHEMA, pairs: [], history: [] };
      }
      throw new StateFileError(
        `cannot read the state file ${this.#path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new StateFileError(
        `${this.#path} is not valid JSON (${(error as Error).message}); it was left untouched. Fix it, or move it away to start from a fresh baseline.`,
        { cause: error },
      );
    }
    return asStateFile(parsed, this.#path);
  }
}

function asStateFile(parsed: unknown, path: string): StateFile {
  const candidate = parsed as Partial<StateFile> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    Array.isArray(candidate) ||
    candidate.schema !== STATE_FILE_SCHEMA
  ) {
    const found =
      typeof candidate === 'object' && candidate !== null && 'schema' in candidate
        ? `its schema is ${JSON.stringify(candidate.schema)}`
        : 'it has no "schema" field';
    throw new StateFileError(
      `${path} is not a bedrock-access-monitor state file (${found}, expected "${STATE_FILE_SCHEMA}"); it was left untouched. Pass another path with --state.`,
    );
  }
  if (!Array.isArray(candidate.pairs) || !Array.isArray(candidate.history)) {
    throw new StateFileError(
      `${path} is damaged: "pairs" and "history" must be lists; it was left untouched.`,
    );
  }
  return { schema: STATE_FILE_SCHEMA, pairs: candidate.pairs, history: candidate.history };
}

function readableHistory(items: unknown[]): TransitionEvent[] {
  return items.flatMap((item) => {
    const parsed = transitionEventSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

function storeKey(pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>): string {
  return `${pair.account}#${pairKey(pair)}`;
}

async function writeAtomically(path: string, content: string): Promise<void> {
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
