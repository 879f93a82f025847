import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateFileError } from '../../src/errors.ts';
import { FileStateStore, STATE_FILE_SCHEMA } from '../../src/state/file-state-store.ts';
import { ACCOUNT, record, temporaryDirectory } from '../support/fixtures.ts';
import { entry, event } from './event-fixtures.ts';

// What only the file store has: the file itself. What every store does is held by the
// contract: state-store-contract.test.ts.

const DAY_MS = 86_400_000;

/** An instant `days` before now, in whole milliseconds. */
function daysAgo(days: number): string {
  return new Date(Date.now() - Math.round(days * DAY_MS)).toISOString();
}

describe('FileStateStore', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let path: string;
  beforeEach(async () => {
    dir = await temporaryDirectory();
    path = join(dir.path, 'state.json');
  });
  afterEach(() => dir.remove());

  async function writeStateFile(content: { pairs: unknown[]; history: unknown[] }) {
    await writeFile(path, JSON.stringify({ schema: STATE_FILE_SCHEMA, ...content }));
  }

  async function readStateFile(): Promise<{ pairs: unknown[]; history: unknown[] }> {
    return JSON.parse(await readFile(path, 'utf8'));
  }

  it('creates the file and its directory on the first change, readable by its owner only', async () => {
    const nested = join(dir.path, 'nested', 'deeper', 'state.json');
    const store = new FileStateStore(nested);

    expect(await store.write([{ record: record(), expectedVersion: 0 }])).toEqual([true]);

    expect(await new FileStateStore(nested).load(ACCOUNT)).toEqual({
      records: [record()],
      skipped: [],
    });
    expect((await stat(nested)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir.path, 'nested', 'deeper'))).toEqual(['state.json']);
  });

  it('writes nothing when nothing changes', async () => {
    const store = new FileStateStore(path);

    await store.load(ACCOUNT);
    await store.history({ account: ACCOUNT });
    await store.write([{ record: record({ version: 2 }), expectedVersion: 1 }]);
    await store.updateOutboxEntry(record(), entry(event(), 'run-a'));
    await store.removeFromOutbox(record(), 'e1');

    expect(await readdir(dir.path)).toEqual([]);
  });

  it('replaces the file whole on every change and leaves no temporary file behind', async () => {
    const store = new FileStateStore(path);
    const owed = entry(event({ observedAt: daysAgo(1) }), 'run-a');

    await store.write([{ record: record({ outbox: [owed] }), expectedVersion: 0 }]);
    await store.updateOutboxEntry(record(), { ...owed, claimedAt: daysAgo(0.5) });
    await store.appendHistory(owed.event);
    await store.removeFromOutbox(record(), owed.event.eventId);

    expect(await readdir(dir.path)).toEqual(['state.json']);
    expect(await readStateFile()).toEqual({
      schema: STATE_FILE_SCHEMA,
      pairs: [record({ version: 3 })],
      history: [owed.event],
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('lists the records of every account for status', async () => {
    const store = new FileStateStore(path);
    const other = record({ account: '210987654321', region: 'us-west-2' });
    await store.write([
      { record: record(), expectedVersion: 0 },
      { record: other, expectedVersion: 0 },
    ]);

    expect(await store.loadAllAccounts()).toEqual({ records: [record(), other], skipped: [] });
  });

  it('refuses a file that is not JSON and leaves it untouched', async () => {
    const broken = '{"schema": "bedrock-access-monitor/state-file/v1", ';
    await writeFile(path, broken);
    const store = new FileStateStore(path);

    const [load, write] = await Promise.allSettled([
      store.load(ACCOUNT),
      store.write([{ record: record(), expectedVersion: 0 }]),
    ]);

    for (const settled of [load, write]) {
      expect(settled.status === 'rejected' && settled.reason).toBeInstanceOf(StateFileError);
      expect(settled.status === 'rejected' && settled.reason.message).toMatch(
        /state\.json is not valid JSON \(.+\); it was left untouched\. Fix it, or move it away to start from a fresh baseline\.$/,
      );
    }
    expect(await readFile(path, 'utf8')).toBe(broken);
  });

  it('refuses a foreign JSON file, naming what it found, and leaves it untouched', async () => {
    const foreign = join(dir.path, 'package.json');
    await writeFile(foreign, '{"name": "something-else"}');
    const store = new FileStateStore(foreign);

    await expect(store.load(ACCOUNT)).rejects.toThrow(
      /package\.json is not a bedrock-access-monitor state file \(it has no "schema" field, expected "bedrock-access-monitor\/state-file\/v1"\); it was left untouched\. Pass another path with --state\.$/,
    );
    await expect(store.appendHistory(event())).rejects.toBeInstanceOf(StateFileError);
    expect(await readFile(foreign, 'utf8')).toBe('{"name": "something-else"}');
  });

  it('refuses a file of another schema or with damaged lists, and leaves it untouched', async () => {
    const otherSchema = JSON.stringify({
      schema: 'bedrock-access-monitor/state-file/v2',
      pairs: [],
    });
    await writeFile(path, otherSchema);
    await expect(new FileStateStore(path).load(ACCOUNT)).rejects.toThrow(
      /its schema is "bedrock-access-monitor\/state-file\/v2", expected "bedrock-access-monitor\/state-file\/v1"/,
    );

    const damaged = JSON.stringify({ schema: STATE_FILE_SCHEMA, pairs: {}, history: [] });
    await writeFile(path, damaged);
    await expect(
      new FileStateStore(path).write([{ record: record(), expectedVersion: 0 }]),
    ).rejects.toThrow(
      /state\.json is damaged: "pairs" and "history" must be lists; it was left untouched\.$/,
    );
    expect(await readFile(path, 'utf8')).toBe(damaged);
  });

  it('rejects with a StateFileError naming the file when it cannot be written', async () => {
    await writeFile(join(dir.path, 'a-file'), '');
    const underAFile = join(dir.path, 'a-file', 'state.json');

    await expect(
      new FileStateStore(underAFile).write([{ record: record(), expectedVersion: 0 }]),
    ).rejects.toThrow(/^cannot (read|write) the state file .*a-file\/state\.json: ENOTDIR/);
  });

  it('skips stored items it cannot read, says why, and writes them back untouched on every change', async () => {
    const oldItem = { account: ACCOUNT, region: 'us-west-2', modelId: 'x.y', status: 'Enabled' };
    const oldEvent = { eventId: 'old', observedAt: daysAgo(400), status: 'Enabled' };
    const owed = entry(event({ observedAt: daysAgo(1) }), 'run-a');
    await writeStateFile({ pairs: [oldItem], history: [oldEvent] });
    const store = new FileStateStore(path);

    const loaded = await store.load(ACCOUNT);
    await store.write([{ record: record({ outbox: [owed] }), expectedVersion: 0 }]);
    await store.updateOutboxEntry(record(), { ...owed, claimedAt: daysAgo(0.5) });
    await store.appendHistory(owed.event);
    await store.removeFromOutbox(record(), owed.event.eventId);

    expect(loaded).toEqual({
      records: [],
      skipped: [{ key: 'pairs[0]', reason: expect.stringMatching(/^state: Invalid option/) }],
    });
    expect(await readStateFile()).toEqual({
      schema: STATE_FILE_SCHEMA,
      pairs: [oldItem, record({ version: 3 })],
      history: [oldEvent, owed.event],
    });
    expect(await store.history({ account: ACCOUNT })).toEqual([owed.event]);
  });

  it('drops transitions older than its retention on the next change, and keeps the others', async () => {
    const expired = event({ observedAt: daysAgo(31) });
    const kept = event({ observedAt: daysAgo(29) });
    const added = event({ observedAt: daysAgo(0) });
    await writeStateFile({ pairs: [], history: [expired, kept] });
    const store = new FileStateStore(path, { historyRetentionDays: 30 });

    const before = await store.history({ account: ACCOUNT });
    await store.appendHistory(added);

    expect(before).toEqual([expired, kept]);
    expect(await store.history({ account: ACCOUNT })).toEqual([kept, added]);
    expect((await readStateFile()).history).toEqual([kept, added]);
  });

  it('reads a state file of the previous shape: publish flags, no claim tokens, no lastObservedAt', async () => {
    const delivered = event({ observedAt: daysAgo(2) });
    const owed = event({ kind: 'requested', observedAt: daysAgo(1) });
    const pendingRevocation = {
      count: 1,
      state: 'NOT_ENABLED' as const,
      firstObservedAt: daysAgo(1),
    };
    await writeStateFile({
      pairs: [
        {
          ...record({ version: 5, pendingRevocation }),
          outbox: [
            { event: delivered, publish: true, claimedAt: delivered.observedAt },
            { event: owed, publish: false, claimedAt: owed.observedAt },
          ],
        },
      ],
      history: [],
    });
    const store = new FileStateStore(path);

    const loaded = await store.load(ACCOUNT);
    await store.removeFromOutbox(record(), delivered.eventId);
    const rewritten = await store.write([
      { record: record({ version: 7, state: 'NOT_ENABLED' }), expectedVersion: 6 },
    ]);

    expect(loaded).toStrictEqual({
      records: [
        record({
          version: 5,
          pendingRevocation,
          outbox: [
            { event: delivered, claimedAt: delivered.observedAt },
            { event: owed, claimedAt: owed.observedAt },
          ],
        }),
      ],
      skipped: [],
    });
    expect(rewritten).toEqual([true]);
  });
});
