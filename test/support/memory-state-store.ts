import type { PairRecord } from '../../src/grants/pair-record.ts';
import type { TransitionEvent } from '../../src/grants/types.ts';
import type { HistoryQuery, LoadedState, StateStore } from '../../src/state/state-store.ts';

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

  async put(next: PairRecord, expectedVersion: number): Promise<boolean> {
    const key = keyOf(next);
    if ((this.records.get(key)?.version ?? 0) !== expectedVersion) return false;
    this.writes += 1;
    this.records.set(key, structuredClone(next));
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
    return this.historyEvents.filter((e) => e.account === query.account);
  }

  async flush(): Promise<void> {}
}

function keyOf(pair: Pick<PairRecord, 'account' | 'region' | 'modelId'>): string {
  return `${pair.account}#${pair.region}#${pair.modelId}`;
}
