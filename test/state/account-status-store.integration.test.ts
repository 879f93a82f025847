import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccountEvent } from '../../src/organization/account-event.ts';
import { accountEvent } from '../../src/organization/account-event.ts';
import type { AccountStatus } from '../../src/organization/reachability.ts';
import { recordReachability } from '../../src/organization/record-reachability.ts';
import {
  type AccountStatusStore,
  DynamoDbAccountStatusStore,
} from '../../src/state/dynamodb-account-status.ts';
import {
  ACCOUNT_STATUS_FILE_SCHEMA,
  accountStatusPath,
  FileAccountStatusStore,
} from '../../src/state/file-account-status.ts';
import { type RunningDynalite, startDynalite, TEST_CREDENTIALS } from '../support/dynalite.ts';
import { temporaryDirectory } from '../support/fixtures.ts';

const ACCOUNT = '222222222222';
const OTHER = '333333333333';
const START = Date.UTC(2026, 10, 24, 12, 0);
const at = (period: number) => new Date(START + period * 300_000).toISOString();

function status(change: Partial<AccountStatus> = {}): AccountStatus {
  return {
    account: ACCOUNT,
    accountName: 'sandbox',
    reachable: true,
    since: at(0),
    reason: null,
    streak: null,
    lastObservedAt: at(0),
    version: 1,
    outbox: [],
    ...change,
  };
}

function unreachableEvent(): AccountEvent {
  return accountEvent({
    kind: 'account-unreachable',
    account: ACCOUNT,
    accountName: 'sandbox',
    observedAt: at(1),
    since: at(0),
    reason: 'AccessDenied',
  });
}

interface Space {
  open(): AccountStatusStore;
  dispose(): Promise<void>;
}

/** The AccountStatusStore contract, held by the DynamoDB store and the file store alike. */
function describeAccountStatusContract(name: string, space: () => Promise<Space>) {
  describe(`${name}: the account-status contract`, () => {
    let current: Space | undefined;
    const open = async () => {
      current = await space();
      return current.open();
    };
    afterEach(async () => {
      await current?.dispose();
      current = undefined;
    });

    it('reads none before the first write, and a first write only where none is stored', async () => {
      const store = await open();
      expect(await store.load(ACCOUNT)).toBeUndefined();
      expect(await store.write(status(), 0)).toBe(true);
      expect(await store.write(status({ reachable: false }), 0)).toBe(false);
      expect(await store.load(ACCOUNT)).toEqual(status());
      expect(await store.load(OTHER)).toBeUndefined();
    });

    it('applies a write only while the stored version is the expected one', async () => {
      const store = await open();
      await store.write(status(), 0);
      expect(await store.write(status({ version: 2, lastObservedAt: at(1) }), 1)).toBe(true);
      // A run that read version 1 too has lost: its write changes nothing.
      expect(await store.write(status({ version: 2, reachable: false }), 1)).toBe(false);
      expect(await store.load(ACCOUNT)).toEqual(status({ version: 2, lastObservedAt: at(1) }));
    });

    it('removes a delivered event from the outbox and bumps the version, so a stale write loses', async () => {
      const store = await open();
      const event = unreachableEvent();
      const held = status({
        version: 2,
        reachable: false,
        outbox: [{ event, claimedAt: at(1), claimToken: 'token-1' }],
      });
      await store.write(held, 0);
      await store.removeFromOutbox(ACCOUNT, event.eventId);
      const after = await store.load(ACCOUNT);
      expect(after?.outbox).toEqual([]);
      expect(after?.version).toBe(3);
      expect(await store.write({ ...held, version: 3 }, 2)).toBe(false);
    });

    it('updates an outbox entry only under its claim token, and bumps the version', async () => {
      const store = await open();
      const event = unreachableEvent();
      const entry = { event, claimedAt: at(1), claimToken: 'token-1' };
      await store.write(status({ version: 2, reachable: false, outbox: [entry] }), 0);

      // Another run's claim, or an entry no longer there: nothing changes.
      expect(
        await store.updateOutboxEntry(ACCOUNT, {
          ...entry,
          claimToken: 'token-2',
          delivered: ['sns'],
        }),
      ).toBe(false);
      expect(await store.updateOutboxEntry(OTHER, { ...entry, delivered: ['sns'] })).toBe(false);
      expect(await store.load(ACCOUNT)).toMatchObject({ version: 2, outbox: [entry] });

      expect(await store.updateOutboxEntry(ACCOUNT, { ...entry, delivered: ['sns'] })).toBe(true);
      const after = await store.load(ACCOUNT);
      expect(after?.outbox).toEqual([{ ...entry, delivered: ['sns'] }]);
      expect(after?.version).toBe(3);

      await store.removeFromOutbox(ACCOUNT, event.eventId);
      expect(await store.updateOutboxEntry(ACCOUNT, { ...entry, delivered: ['sns'] })).toBe(false);
      expect((await store.load(ACCOUNT))?.outbox).toEqual([]);
    });

    it('refuses to store an invalid outbox entry, naming it', async () => {
      const store = await open();
      const entry = { event: unreachableEvent(), claimedAt: at(1), claimToken: 'token-1' };
      await store.write(status({ version: 2, reachable: false, outbox: [entry] }), 0);
      const invalid = { ...entry, delivered: ['pager' as 'sns'] };
      await expect(store.updateOutboxEntry(ACCOUNT, invalid)).rejects.toThrow(
        `refusing to write an invalid outbox entry ${entry.event.eventId} of account ${ACCOUNT}`,
      );
    });

    it('sends a target that refused an event on a later period, not the one that accepted it', async () => {
      const store = await open();
      const sns: AccountEvent[] = [];
      const bus: AccountEvent[] = [];
      let busDown = true;
      const deps = {
        store,
        publisher: { publish: async (event: AccountEvent) => void sns.push(event) },
        eventBus: {
          publish: async (event: AccountEvent) => {
            if (busDown) throw new Error('EventBridge refused the entry: InternalFailure');
            bus.push(event);
          },
        },
        notify: ['account-unreachable' as const],
        confirm: 1,
      };
      const observe = (period: number) =>
        recordReachability(
          deps,
          {
            account: ACCOUNT,
            accountName: 'sandbox',
            observedAt: at(period),
            reachable: false,
            reason: 'AccessDenied',
          },
          // Each period's claim lapses by the next one.
          { token: `token-${period}`, observedAt: at(period), leaseCutoff: at(period) },
        );

      expect(await observe(0)).toMatchObject({ published: 1, failed: 1 });
      expect((await store.load(ACCOUNT))?.outbox).toMatchObject([
        { claimToken: 'token-0', delivered: ['sns'] },
      ]);
      busDown = false;
      expect(await observe(1)).toMatchObject({ published: 1, failed: 0 });

      expect(sns.map((event) => event.kind)).toEqual(['account-unreachable']);
      expect(bus).toEqual(sns);
      expect((await store.load(ACCOUNT))?.outbox).toEqual([]);
    });

    it('fails on a programming error while publishing, after recording the targets that accepted', async () => {
      const store = await open();
      const defect = new TypeError("Cannot read properties of undefined (reading 'kind')");
      const deps = {
        store,
        publisher: { publish: async () => undefined },
        eventBus: {
          publish: async () => {
            throw defect;
          },
        },
        notify: ['account-unreachable' as const],
        confirm: 1,
      };
      const observation = {
        account: ACCOUNT,
        accountName: 'sandbox',
        observedAt: at(0),
        reachable: false as const,
        reason: 'AccessDenied',
      };
      await expect(
        recordReachability(deps, observation, {
          token: 'token-0',
          observedAt: at(0),
          leaseCutoff: at(-1),
        }),
      ).rejects.toBe(defect);
      expect((await store.load(ACCOUNT))?.outbox).toMatchObject([{ delivered: ['sns'] }]);
    });

    it('announces account-unreachable once when two workers record the same periods at once', async () => {
      const store = await open();
      const published: AccountEvent[] = [];
      const deps = {
        store,
        publisher: { publish: async (event: AccountEvent) => void published.push(event) },
        notify: ['account-unreachable', 'account-reachable'] as const,
        confirm: 2,
      };
      for (const period of [0, 1]) {
        const observation = {
          account: ACCOUNT,
          accountName: 'sandbox',
          observedAt: at(period),
          reachable: false as const,
          reason: 'AccessDenied',
        };
        await Promise.all(
          ['a', 'b'].map((token) =>
            recordReachability({ ...deps, notify: [...deps.notify] }, observation, {
              token,
              observedAt: at(period),
              leaseCutoff: at(period - 1),
            }),
          ),
        );
      }
      expect(published.map((event) => [event.kind, event.since, event.observedAt])).toEqual([
        ['account-unreachable', at(0), at(1)],
      ]);
      expect(await store.load(ACCOUNT)).toMatchObject({
        reachable: false,
        since: at(0),
        outbox: [],
      });
    });
  });
}

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(() => dynalite.close());

let tables = 0;
describeAccountStatusContract('DynamoDbAccountStatusStore', async () => {
  const tableName = `account-status-${++tables}`;
  await dynalite.createTable(tableName);
  const client = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: 'us-east-1',
    credentials: TEST_CREDENTIALS,
  });
  return {
    open: () => new DynamoDbAccountStatusStore(DynamoDBDocumentClient.from(client), tableName),
    dispose: async () => client.destroy(),
  };
});

describeAccountStatusContract('FileAccountStatusStore', async () => {
  const dir = await temporaryDirectory();
  const path = accountStatusPath(join(dir.path, 'state.json'));
  return { open: () => new FileAccountStatusStore(path), dispose: () => dir.remove() };
});

describe('FileAccountStatusStore, the file itself', () => {
  it('lives beside the state file, and keeps an item it cannot read until its account is written', async () => {
    const dir = await temporaryDirectory();
    try {
      const path = accountStatusPath(join(dir.path, 'state.json'));
      expect(path).toBe(join(dir.path, 'state.accounts.json'));
      const broken = { account: ACCOUNT, reachable: 'maybe' };
      const foreign = { account: OTHER, version: 'x' };
      await writeFile(
        path,
        JSON.stringify({ schema: ACCOUNT_STATUS_FILE_SCHEMA, accounts: [broken, foreign] }),
      );
      const store = new FileAccountStatusStore(path);
      const loaded = await store.loadAll();
      expect(loaded.statuses).toEqual([]);
      expect(loaded.skipped.map((item) => item.key)).toEqual(['accounts[0]', 'accounts[1]']);
      expect(loaded.skipped[0]?.reason).toContain('reachable');
      // Read as none, so the first write of that account replaces it; the other stays as it is.
      expect(await store.write(status(), 0)).toBe(true);
      const file = JSON.parse(await readFile(path, 'utf8'));
      expect(file.accounts).toEqual([foreign, status()]);
    } finally {
      await dir.remove();
    }
  });

  it('refuses a file that is not its own, naming it, and leaves it untouched', async () => {
    const dir = await temporaryDirectory();
    try {
      const path = join(dir.path, 'state.accounts.json');
      await writeFile(path, '{"schema":"something-else"}');
      const store = new FileAccountStatusStore(path);
      await expect(store.load(ACCOUNT)).rejects.toThrow(
        `${path} is not a bedrock-access-monitor account-status file`,
      );
      await expect(store.write(status(), 0)).rejects.toThrow('account-status file');
      expect(await readFile(path, 'utf8')).toBe('{"schema":"something-else"}');
      await writeFile(path, '{');
      await expect(store.load(ACCOUNT)).rejects.toThrow(`${path} is not valid JSON`);
    } finally {
      await dir.remove();
    }
  });

  it('refuses to write an invalid status', async () => {
    const dir = await temporaryDirectory();
    try {
      const store = new FileAccountStatusStore(join(dir.path, 'a.accounts.json'));
      await expect(store.write(status({ account: '12' }), 0)).rejects.toThrow(
        'refusing to write an invalid reachability of account 12',
      );
    } finally {
      await dir.remove();
    }
  });
});
