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
const key = (p: { account: string; region: string; modelId: string }) =>
  `${p.account} ${p.region} ${p.modelId}`;

function readyEvent(p: { account: string; region: string; modelId: string }): TransitionEvent {
  return {
    schema: 'bedrock-access-monitor/transition/v1',
    eventId: `event-${key(p)}`.replace(/[^a-z0-9-]/gi, '-'),
    kind: 'ready',
    ...p,
    from: 'IN_PROGRESS',
    to: 'ENABLED',
    observedAt: '2026-11-24T12:00:00.000Z',
    previousSince: null,
    raw: ENABLED_RAW,
  } as TransitionEvent;
}

describe('FileStateStore.remove', () => {
  it('leaves exactly the pairs not removed, and every transition of the history', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(pair, { selector: key, minLength: 1, maxLength: 10 }),
        fc.array(pair, { maxLength: 6 }),
        async (stored, removed) => {
          const dir = await temporaryDirectory();
          try {
            const path = join(dir.path, 'state.json');
            const writer = new FileStateStore(path);
            await writer.loadAllAccounts();
            for (const p of stored) {
              await writer.put(record(p), 0);
              await writer.appendHistory(readyEvent(p));
            }
            await writer.flush();

            const pruner = new FileStateStore(path);
            await pruner.loadAllAccounts();
            await pruner.remove(removed);
            await pruner.flush();

            const gone = new Set(removed.map(key));
            const left = (await new FileStateStore(path).loadAllAccounts()).records;
            expect(left.map(key).sort()).toEqual(
              stored
                .map(key)
                .filter((k) => !gone.has(k))
                .sort(),
            );
            const file = JSON.parse(await readFile(path, 'utf8')) as { history: unknown[] };
            expect(file.history).toHaveLength(stored.length);
          } finally {
            await dir.remove();
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
