import { readFile } from 'node:fs/promises';
import { StateFileError } from '../errors.ts';
import { type OutboxEntry, type PairRecord, pairKey } from '../grants/pair-record.ts';
import type { TransitionEvent } from '../grants/types.ts';
import { changeSerially, writeAtomically } from './atomic-file.ts';
import {
  describeInvalidRecord,
  pairRecordSchema,
  transitionEventSchema,
} from './pair-record-schema.ts';
import {
  type HistoryQuery,
  type LoadedState,
  matchesHistoryQuery,
  type PairWrite,
  type StateStore,
} from './state-store.ts';

export const STATE_FILE_SCHEMA = 'bedrock-access-monitor/state-file/v1';

interface StateFile {
  schema: typeof STATE_FILE_SCHEMA;
  /** Kept as stored: items this version cannot read are written back untouched. */
  pairs: unknown[];
  history: unknown[];
}

/**
 * The CLI's state: one JSON file. Every change re-reads the file, applies itself to what is on
 * disk now, and replaces the file atomically (temporary file and rename), so it is durable when
 * it resolves and a write based on a version another process has replaced since is refused,
 * as in DynamoDB. A file that is not ours, or not JSON, is refused and left as it is.
 */
export class FileStateStore implements StateStore {
  readonly #path: string;
  readonly #historyRetentionMs: number;

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
      if (account === undefined || parsed.data.account === account) {
        loaded.records.push(parsed.data);
      }
    });
    return loaded;
  }

  async write(writes: readonly PairWrite[]): Promise<boolean[]> {
    if (writes.length === 0) return [];
    // Written as it is, an invalid record would be skipped by every later load, for good.
    for (const { record } of writes) {
      const parsed = pairRecordSchema.safeParse(record);
      if (!parsed.success) {
        throw new StateFileError(
          `refusing to write an invalid record of ${record.modelId} in ${record.region} to ${this.#path}: ${describeInvalidRecord(parsed.error.issues)}`,
        );
      }
    }
    return this.#change((pairs) =>
      writes.map(({ record, expectedVersion }) => {
        const key = storeKey(record);
        if ((pairs.get(key)?.version ?? 0) !== expectedVersion) return false;
        pairs.set(key, record);
        return true;
      }),
    );
  }

  async updateOutboxEntry(
    pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
    entry: OutboxEntry,
  ): Promise<boolean> {
    return this.#change((pairs) => {
      const current = pairs.get(storeKey(pair));
      const index =
        current?.outbox.findIndex((item) => item.event.eventId === entry.event.eventId) ?? -1;
      if (current === undefined || index < 0) return false;
      const held = current.outbox[index]?.claimToken;
      if (held === undefined || held !== entry.claimToken) return false;
      const outbox = current.outbox.with(index, entry);
      pairs.set(storeKey(pair), { ...current, outbox, version: current.version + 1 });
      return true;
    });
  }

  async appendHistory(event: TransitionEvent): Promise<void> {
    await this.#change(() => undefined, [event]);
  }

  async removeFromOutbox(
    pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
    eventId: string,
  ): Promise<void> {
    await this.#change((pairs) => {
      const current = pairs.get(storeKey(pair));
      if (current === undefined || !current.outbox.some((item) => item.event.eventId === eventId))
        return;
      const outbox = current.outbox.filter((item) => item.event.eventId !== eventId);
      pairs.set(storeKey(pair), { ...current, outbox, version: current.version + 1 });
    });
  }

  /**
   * Drops pairs from the file (`status --prune`), each only while the file still holds the
   * version that was read; their history stays. Resolves with whether each was dropped.
   */
  async remove(
    records: ReadonlyArray<Pick<PairRecord, 'account' | 'region' | 'modelId' | 'version'>>,
  ): Promise<boolean[]> {
    return this.#change((pairs) =>
      records.map((record) => {
        const key = storeKey(record);
        if (pairs.get(key)?.version !== record.version) return false;
        pairs.delete(key);
        return true;
      }),
    );
  }

  async history(query: HistoryQuery): Promise<TransitionEvent[]> {
    const file = await this.#read();
    return readableHistory(file.history)
      .filter((event) => matchesHistoryQuery(event, query))
      .sort((a, b) => a.observedAt.localeCompare(b.observedAt));
  }

  /**
   * Reads the file, lets `apply` change its readable pairs (keyed by storeKey), adds `events`
   * to the history and writes the file back when anything changed. Items this version cannot
   * read are written back untouched.
   */
  async #change<T>(
    apply: (pairs: Map<string, PairRecord>) => T,
    events: readonly TransitionEvent[] = [],
  ): Promise<T> {
    return changeSerially(this.#path, () => this.#changeNow(apply, events));
  }

  async #changeNow<T>(
    apply: (pairs: Map<string, PairRecord>) => T,
    events: readonly TransitionEvent[],
  ): Promise<T> {
    const onDisk = await this.#read();
    const pairs = new Map<string, PairRecord>();
    const unreadable: unknown[] = [];
    for (const item of onDisk.pairs) {
      const parsed = pairRecordSchema.safeParse(item);
      if (parsed.success) pairs.set(storeKey(parsed.data), parsed.data);
      else unreadable.push(item);
    }
    const before = JSON.stringify([...pairs.values()]);
    const result = apply(pairs);
    const knownIds = new Set(readableHistory(onDisk.history).map((event) => event.eventId));
    const newEvents = events.filter((event) => !knownIds.has(event.eventId));
    if (newEvents.length === 0 && JSON.stringify([...pairs.values()]) === before) return result;
    const cutoff = new Date(Date.now() - this.#historyRetentionMs).toISOString();
    const history = [
      ...onDisk.history.filter((item) => {
        const parsed = transitionEventSchema.safeParse(item);
        return !parsed.success || parsed.data.observedAt >= cutoff;
      }),
      ...newEvents,
    ];
    const file: StateFile = {
      schema: STATE_FILE_SCHEMA,
      pairs: [...unreadable, ...pairs.values()],
      history,
    };
    await writeAtomically(this.#path, `${JSON.stringify(file, null, 2)}\n`);
    return result;
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
