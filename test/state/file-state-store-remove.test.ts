import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TransitionEvent } from '../../src/grants/types.ts';
import { FileStateStore } from '../../src/state/file-state-store.ts';
import { ENABLED_RAW, record, temporaryDirectory } from '../support/fixtures.ts';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-central-1'];
const MODELS = ['amazon.titan-text-express-v1', 'meta.llama3-8b-instruct-v1:0', 'mistral.x-v1:0'];
const ACCOUNTS = ['123456789012', '210987654321'];

const pair = fc.record({
  account: fc.constantFrom(...ACCOUNTS),
  region: fc.constantFrom(...REGIONS),
  modelId: fc.constantFrom(...MODELS),
});
type Pair = { account: string; region: string; modelId: string };
const key = (p: Pair) => `${p.account} ${p.region} ${p.modelId}`;

function readyEvent(p: Pair, index: number): TransitionEvent {
  return {
    schema: 'bedrock-access-monitor/transition/v1',
    eventId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    kind: 'ready',
    ...p,
    from: 'IN_PROGRESS',
    to: 'ENABLED',
    observedAt: new Date().toISOString(),
    previousSince: null,
    raw: ENABLED_RAW,
  } as TransitionEvent;
}

describe('FileStateStore.remove', () => {
  it('drops a pair only at the version read, keeps the others and every transition', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(pair, { selector: key, minLength: 1, maxLength: 8 }),
        fc.array(fc.record({ pair, stale: fc.boolean() }), { maxLength: 6 }),
        async (stored, removals) => {
          const dir = await temporaryDirectory();
          try {
            const path = join(dir.path, 'state.json');
            const store = new FileStateStore(path);
            await store.write(stored.map((p) => ({ record: record(p), expectedVersion: 0 })));
            for (const [index, p] of stored.entries())
              await store.appendHistory(readyEvent(p, index));
            const historyBefore = JSON.parse(await readFile(path, 'utf8')).history;

            // A stale removal names a version the file does not hold (another run wrote since).
            const answers = await store.remove(
              removals.map(({ pair: p, stale }) => ({ ...p, version: stale ? 2 : 1 })),
            );

            // The plain model: in order, a fresh removal of a pair still there drops it.
            const left = new Set(stored.map(key));
            const expected = removals.map(({ pair: p, stale }) => !stale && left.delete(key(p)));
            expect(answers).toEqual(expected);
            const records = (await new FileStateStore(path).loadAllAccounts()).records;
            expect(records.map(key).sort()).toEqual([...left].sort());
            expect(JSON.parse(await readFile(path, 'utf8')).history).toEqual(historyBefore);
          } finally {
            await dir.remove();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
