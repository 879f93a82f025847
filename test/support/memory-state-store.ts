import type { OutboxEntry, PairRecord } from '../../src/grants/pair-record.ts';
import type { TransitionEvent } from '../../src/grants/types.ts';
import {
  type HistoryQuery,
  type LoadedState,
  matchesHistoryQuery,
  type PairWrite,
  type StateStore,
} from '../../src/state/state-store.ts';

/**
 * A StateStore in memory with the same conditional-write contract as the real ones, shared by
 * overlapping runs in a test. Counts writes so tests can assert that a quiet run writes nothing.
 */
export class MemoryStateStore implements StateStore {
  readonly records = new Map<string, PairRecord>();
  readonly historyEvents: TransitionEvent[] = [];
  writes = 0;

  async load(account: string): Promise<LoadedState> {
    const records = [...this.records.values()]
      .filter((r) => r.account === account)
      .map((r) => structuredClone(r));
    return { records, skipped: [] };
  }

  async write(writes: readonly PairWrite[]): Promise<boolean[]> {
    return writes.map(({ record, expectedVersion }) => {
      const key = keyOf(record);
      if ((this.records.get(key)?.version ?? 0) !== expectedVersion) return false;
      this.writes += 1;
      this.records.set(key, structuredClone(record));
      return true;
    });
  }

  async updateOutboxEntry(
    pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
    entry: OutboxEntry,
  ): Promise<boolean> {
    const current = this.records.get(keyOf(pair));
    const index = current?.outbox.findIndex((e) => e.event.eventId === entry.event.eventId) ?? -1;
    if (current === undefined || index < 0) return false;
    const held = current.outbox[index]?.claimToken;
    if (held === undefined || held !== entry.claimToken) return false;
    this.writes += 1;
    this.records.set(keyOf(pair), {
      ...current,
      outbox: current.outbox.with(index, structuredClone(entry)),
      version: current.version + 1,
    });
    return true;
  }

  async appendHistory(event: TransitionEvent): Promise<void> {
    if (this.historyEvents.some((known) => known.eventId === event.eventId)) return;
    this.writes += 1;
    this.historyEvents.push(event);
  }

  async removeFromOutbox(
    pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>,
    eventId: string,
  ): Promise<void> {
    const current = this.records.get(keyOf(pair));
    if (current === undefined || !current.outbox.some((e) => e.event.eventId === eventId)) return;
    this.writes += 1;
    this.records.set(keyOf(pair), {
      ...current,
      outbox: current.outbox.filter((e) => e.event.eventId !== eventId),
      version: current.version + 1,
    });
  }

  async history(query: HistoryQuery): Promise<TransitionEvent[]> {
    return this.historyEvents
      .filter((e) => matchesHistoryQuery(e, query))
      .sort((a, b) => a.observedAt.localeCompare(b.observedAt));
  }
}

function keyOf(pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>): string {
  return `${pair.account}#${pair.region}#${pair.modelId}`;
}
