import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateFileError } from '../../src/errors.ts';
import { FileStateStore, STATE_FILE_SCHEMA } from '../../src/state/file-state-store.ts';
import { ACCOUNT, record, temporaryDirectory } from '../support/fixtures.ts';

describe('FileStateStore', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let path: string;
  beforeEach(async () => {
    dir = await temporaryDirectory();
    path = join(dir.path, 'nested', 'state.json');
  });
  afterEach(() => dir.remove());

  it('starts empty when the file does not exist, and creates it on the first write', async () => {
    const store = new FileStateStore(path);
    expect(await store.load(ACCOUNT)).toEqual({ records: [], skipped: [] });

    expect(await store.put(record(), 0)).toBe(true);
    await store.flush();

    const reread = await new FileStateStore(path).load(ACCOUNT);
    expect(reread.records).toEqual([record()]);
  });

  it('refuses a write whose expected version is stale', async () => {
    const store = new FileStateStore(path);
    await store.load(ACCOUNT);
    await store.put(record(), 0);

    expect(await store.put(record({ version: 2 }), 0)).toBe(false);
    expect(await store.put(record({ version: 2, state: 'NOT_ENABLED' }), 1)).toBe(true);
  });

  it('writes nothing when nothing changed', async () => {
    const store = new FileStateStore(path);
    await store.load(ACCOUNT);
    await store.flush();

    await expect(readdir(dir.path)).resolves.toEqual([]);
  });

  it('refuses a file that is not JSON and leaves it untouched', async () => {
    await writeFile(
      join(dir.path, 'state.json'),
      '{"schema": "bedrock-access-monitor/state-file/v1", ',
    );
    const store = new FileStateStore(join(dir.path, 'state.json'));

    const failure = store.load(ACCOUNT);

    await expect(failure).rejects.toBeInstanceOf(StateFileError);
    await expect(failure).rejects.toThrow(/state\.json is not valid JSON .*left untouched/);
    expect(await readFile(join(dir.path, 'state.json'), 'utf8')).toBe(
      '{"schema": "bedrock-access-monitor/state-file/v1", ',
    );
  });

  it('refuses a foreign JSON file, naming what it found', async () => {
    const foreign = join(dir.path, 'package.json');
    await writeFile(foreign, '{"name": "something-else"}');

    await expect(new FileStateStore(foreign).load(ACCOUNT)).rejects.toThrow(
      /package\.json is not a bedrock-access-monitor state file \(it has no "schema" field, expected "bedrock-access-monitor\/state-file\/v1"\)/,
    );
    expect(await readFile(foreign, 'utf8')).toBe('{"name": "something-else"}');
  });

  it('skips a stored item it cannot read, says why, and writes it back unchanged', async () => {
    const oldItem = { account: ACCOUNT, region: 'us-west-2', modelId: 'x.y', status: 'Enabled' };
    await writeFile(
      path.replace('/nested', ''),
      JSON.stringify({ schema: STATE_FILE_SCHEMA, pairs: [oldItem], history: [] }),
    );
    const store = new FileStateStore(path.replace('/nested', ''));

    const loaded = await store.load(ACCOUNT);
    await store.put(record(), 0);
    await store.flush();

    expect(loaded.records).toEqual([]);
    expect(loaded.skipped).toEqual([
      { key: 'pairs[0]', reason: expect.stringContaining('state:') },
    ]);
    const written = JSON.parse(await readFile(path.replace('/nested', ''), 'utf8'));
    expect(written.pairs).toEqual([oldItem, record()]);
  });

  it('refuses to overwrite what another process wrote in the meantime', async () => {
    const first = new FileStateStore(path);
    const second = new FileStateStore(path);
    await first.load(ACCOUNT);
    await second.load(ACCOUNT);
    await first.put(record(), 0);
    await first.flush();

    await second.put(record({ state: 'NOT_ENABLED' }), 0);

    await expect(second.flush()).rejects.toThrow(
      /was changed by another run .* nothing of this run was saved/,
    );
    expect((await new FileStateStore(path).load(ACCOUNT)).records[0]?.state).toBe('ENABLED');
  });

  it('leaves no temporary file behind', async () => {
    const store = new FileStateStore(join(dir.path, 'state.json'));
    await store.load(ACCOUNT);
    await store.put(record(), 0);
    await store.flush();

    expect(await readdir(dir.path)).toEqual(['state.json']);
  });

  it('removes a delivered event from the outbox and bumps the version', async () => {
    const event = {
      schema: 'bedrock-access-monitor/transition/v1' as const,
      eventId: 'e1',
      kind: 'ready' as const,
      account: ACCOUNT,
      modelId: 'amazon.titan-text-express-v1',
      region: 'us-east-1',
      from: 'IN_PROGRESS' as const,
      to: 'ENABLED' as const,
      observedAt: '2026-11-24T10:00:00.000Z',
      previousSince: '2026-11-24T09:00:00.000Z',
      raw: record().raw,
    };
    const store = new FileStateStore(path);
    await store.load(ACCOUNT);
    await store.put(record({ outbox: [{ event, publish: true, claimedAt: event.observedAt }] }), 0);

    await store.removeFromOutbox(record(), 'e1');
    await store.appendHistory(event);
    await store.appendHistory(event);
    await store.flush();

    const reread = new FileStateStore(path);
    expect((await reread.load(ACCOUNT)).records[0]).toMatchObject({ outbox: [], version: 2 });
    expect(await reread.history({ account: ACCOUNT })).toEqual([event]);
  });
});
