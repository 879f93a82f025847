import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { readAccountPairItems } from '../../src/state/dynamodb-account-view.ts';
import { toStateItem } from '../../src/state/dynamodb-items.ts';
import { accountStatusPath, FileAccountStatusStore } from '../../src/state/file-account-status.ts';
import { FileStateStore } from '../../src/state/file-state-store.ts';
import { isolatedAwsEnvironment, runBin, runCli } from '../support/cli-harness.ts';
import { startDynalite, TEST_CREDENTIALS } from '../support/dynalite.ts';
import { startDynamoDbFaultProxy } from '../support/dynamodb-fault-proxy.ts';
import { record, temporaryDirectory } from '../support/fixtures.ts';
import { OrganizationTestBed } from '../support/organization-test-bed.ts';

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const HUB = '999999999999';
const READY = '111111111111';
const DENIED = '222222222222';
const QUIET = '444444444444';
const NEVER = '555555555555';

// The hub (the management account), one account whose Claude grant goes IN_PROGRESS ->
// ENABLED, one whose role cannot be assumed, one where Claude is not enabled.
const SCENARIO = `
account: "${HUB}"
catalog: [{ id: ${CLAUDE} }, { id: ${TITAN} }]
grants:
  - account: "${READY}"
    region: us-east-1
    model: ${CLAUDE}
    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]
  - account: "${QUIET}"
    region: us-east-1
    model: ${CLAUDE}
    timeline: [{ at: 0, state: NOT_ENABLED }]
organization:
  roots: [r-abcd]
  accounts:
    - { id: "${READY}", name: prod-ml }
    - { id: "${DENIED}", name: sandbox, assumeRole: denied }
    - { id: "${QUIET}", name: quiet }
`;

const config = (accounts: string) => `regions: [us-east-1]
models:
  - id: ${CLAUDE}
  - id: ${TITAN}
    regions: [us-west-2]
confirmRevocation: 2
accounts:
  roleName: bedrock-access-monitor-read
${accounts}
`;

describe('status --model --region on the deployed table', () => {
  let bed: OrganizationTestBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  async function threePeriods(): Promise<OrganizationTestBed> {
    const testBed = await OrganizationTestBed.start(SCENARIO, config('  organization: {}'));
    const worker = testBed.newWorker();
    for (const tick of [0, 1, 2]) await testBed.period(worker, tick);
    testBed.dynamo.requests.length = 0;
    return testBed;
  }

  it('lists the organization from Organizations and reads each account by key: state, since, reachability', async () => {
    bed = await threePeriods();
    const args = [
      'status',
      '--table',
      bed.dynamo.tableName,
      '--model',
      CLAUDE,
      '--region',
      'us-east-1',
    ];
    const configArgs = ['--config', String(process.env.WATCHED_MODELS_FILE)];

    const text = await runCli([...args, ...configArgs]);
    const json = await runCli([...args, ...configArgs, '--json']);

    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    expect(lines[0]).toBe(
      `2 of 4 accounts can use ${CLAUDE} in us-east-1 (ENABLED): prod-ml (${READY}), management (${HUB}). From table ${bed.dynamo.tableName}.`,
    );
    expect(lines[2]).toMatch(/^ACCOUNT\s+NAME\s+STATE\s+SINCE\s+REACHABILITY$/);
    expect(lines.slice(3, 7)).toEqual([
      expect.stringMatching(
        new RegExp(`^${READY}\\s+prod-ml\\s+ENABLED\\s+2026-11-24 12:05 UTC\\s+reachable$`),
      ),
      expect.stringMatching(
        new RegExp(
          `^${DENIED}\\s+sandbox\\s+not checked \\(no stored state\\)\\s+-\\s+UNREACHABLE since 2026-11-24 12:00 UTC$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(`^${QUIET}\\s+quiet\\s+NOT_ENABLED\\s+2026-11-24 12:00 UTC\\s+reachable$`),
      ),
      expect.stringMatching(
        new RegExp(`^${HUB}\\s+management\\s+ENABLED\\s+2026-11-24 12:00 UTC\\s+reachable$`),
      ),
    ]);
    expect(lines.slice(7)).toEqual([
      '',
      'Without access (the state shown is the last one observed):',
      expect.stringMatching(
        new RegExp(
          `^  sandbox \\(${DENIED}\\): The role arn:aws:iam::${DENIED}:role/bedrock-access-monitor-read cannot be assumed`,
        ),
      ),
    ]);

    const view = JSON.parse(json.stdout);
    expect(view).toMatchObject({
      source: `table ${bed.dynamo.tableName}`,
      modelId: CLAUDE,
      region: 'us-east-1',
      skipped: [],
    });
    expect(view.accounts.find((row: { account: string }) => row.account === DENIED)).toEqual({
      account: DENIED,
      accountName: 'sandbox',
      state: null,
      since: null,
      pendingRevocation: null,
      reachability: {
        reachable: false,
        since: '2026-11-24T12:00:00.000Z',
        reason: expect.stringContaining('AccessDenied'),
        periodsWithoutAccess: 0,
      },
    });
    // Two keys per account in one call for each command: never a Scan, never a Query.
    expect(bed.dynamo.requests).toEqual(['BatchGetItem', 'BatchGetItem']);
  });

  it('takes the fixed ids of the config, an account never checked included, and only --account when given', async () => {
    bed = await threePeriods();
    const fixed = join(String(process.env.WATCHED_MODELS_FILE), '..', 'fixed.yml');
    await writeFile(fixed, config(`  ids: ["${READY}", "${NEVER}"]`));
    const args = [
      'status',
      '--table',
      bed.dynamo.tableName,
      '--config',
      fixed,
      '--region',
      'us-east-1',
      '--model',
      CLAUDE,
    ];

    // A reachability item of a shape this version cannot read: reported, the row without it.
    const client = new DynamoDBClient({
      endpoint: bed.dynamo.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    await DynamoDBDocumentClient.from(client).send(
      new PutCommand({
        TableName: bed.dynamo.tableName,
        Item: { pk: `ACCOUNT#${NEVER}`, sk: 'REACHABILITY', itemVersion: 99 },
      }),
    );
    client.destroy();

    const both = JSON.parse((await runCli([...args, '--json'])).stdout);
    const one = await runCli([...args, '--account', NEVER]);
    const stranger = await runCli([...args, '--account', DENIED]);

    expect(
      both.accounts.map(
        (row: {
          account: string;
          state: string | null;
          accountName: string | null;
          reachability: unknown;
        }) => [row.account, row.accountName, row.state, row.reachability === null],
      ),
    ).toEqual([
      [READY, 'prod-ml', 'ENABLED', false],
      [NEVER, null, null, true],
    ]);
    expect(one.stdout).toMatch(
      new RegExp(`^0 of 1 account can use ${CLAUDE} in us-east-1 \\(ENABLED\\)\\. From table`),
    );
    expect(one.stdout).toMatch(
      new RegExp(`${NEVER}\\s+-\\s+not checked \\(no stored state\\)\\s+-\\s+-`),
    );
    expect(both.skipped).toEqual([
      {
        key: `${NEVER} reachability`,
        reason:
          'itemVersion 99 was written by a newer version of the monitor; this one reads itemVersion 1',
      },
    ]);
    expect(one.stderr).toBe(
      `skipped ${NEVER} reachability (left untouched): itemVersion 99 was written by a newer version of the monitor; this one reads itemVersion 1`,
    );
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toContain(
      `account ${DENIED} is not among the accounts the config watches (${READY}, ${NEVER})`,
    );
  });

  it('refuses a model or region the config does not watch, naming what it watches', async () => {
    bed = await threePeriods();
    const base = [
      'status',
      '--table',
      bed.dynamo.tableName,
      '--config',
      String(process.env.WATCHED_MODELS_FILE),
    ];

    const model = await runCli([
      ...base,
      '--model',
      'anthropic.claude-v9',
      '--region',
      'us-east-1',
    ]);
    const region = await runCli([...base, '--model', TITAN, '--region', 'us-east-1']);
    const notRegion = await runCli([...base, '--model', TITAN, '--region', 'us-mars-1']);
    const half = await runCli([...base, '--model', TITAN]);

    expect(model.code).toBe(2);
    expect(model.stderr).toContain(
      `--model anthropic.claude-v9 is not watched by ${base[4]}; it watches ${CLAUDE}, ${TITAN}.`,
    );
    expect(region.stderr).toContain(
      `${TITAN} is not watched in us-east-1 by ${base[4]}; it is watched in us-west-2.`,
    );
    expect(notRegion.stderr).toContain('"us-mars-1" is not an AWS region with a Bedrock endpoint');
    expect(half.stderr).toContain('give both --model ID and --region R');
    expect(bed.dynamo.requests).toEqual([]);
  });
});

describe('the per-account read of the table (BatchGetItem)', () => {
  it('asks 100 keys a call and asks the unprocessed keys again until every one is read', async () => {
    const dynamo = await startDynalite();
    const proxy = await startDynamoDbFaultProxy({ target: dynamo.endpoint });
    const client = new DynamoDBClient({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: TEST_CREDENTIALS,
    });
    try {
      const documents = DynamoDBDocumentClient.from(client);
      const accounts = Array.from({ length: 60 }, (_, i) => String(100000000000 + i));
      // Every third account has the pair stored; the others have nothing.
      for (const account of accounts.filter((_, i) => i % 3 === 0)) {
        await documents.send(
          new PutCommand({
            TableName: dynamo.tableName,
            Item: toStateItem(record({ account, modelId: CLAUDE })),
          }),
        );
      }
      proxy.leaveUnprocessed(3);

      const read = await readAccountPairItems({
        client: documents,
        tableName: dynamo.tableName,
        accounts,
        region: 'us-east-1',
        modelId: CLAUDE,
        pauseMs: () => 1,
      });

      // 120 keys: 100 + 20, of which 50 + 10 unprocessed; then 60 (30 unprocessed); then 30.
      const batchGets = proxy.requests
        .filter(({ operation }) => operation === 'BatchGetItem')
        .map(({ body }) =>
          Object.values(body.RequestItems as Record<string, { Keys: unknown[] }>).reduce(
            (sum, table) => sum + table.Keys.length,
            0,
          ),
        );
      expect(batchGets).toEqual([100, 20, 60, 30]);
      expect(read.calls).toBe(4);
      expect(
        proxy.requests.map(({ operation }) => operation).filter((op) => op !== 'PutItem'),
      ).toEqual(['BatchGetItem', 'BatchGetItem', 'BatchGetItem', 'BatchGetItem']);
      expect(read.items.map((item) => item.account)).toEqual(accounts);
      expect(
        read.items.filter((item) => item.pair?.ok === true).map((item) => item.account),
      ).toEqual(accounts.filter((_, i) => i % 3 === 0));
      expect(read.items.every((item) => item.reachability === undefined)).toBe(true);

      proxy.leaveUnprocessed(100);
      await expect(
        readAccountPairItems({
          client: documents,
          tableName: dynamo.tableName,
          accounts: accounts.slice(0, 2),
          region: 'us-east-1',
          modelId: CLAUDE,
          maxRounds: 3,
          pauseMs: () => 1,
        }),
      ).rejects.toThrow(
        `DynamoDB table "${dynamo.tableName}": 1 of the keys stayed unprocessed after 3 BatchGetItem rounds`,
      );
    } finally {
      client.destroy();
      await proxy.close();
      await dynamo.close();
    }
  });
});

describe('status --model --region on the local files', () => {
  it('shows every account of the state file and of its account-status file, a missing pair included', async () => {
    const dir = await temporaryDirectory();
    try {
      const statePath = join(dir.path, 'state.json');
      const store = new FileStateStore(statePath);
      await store.write([
        {
          record: record({ account: READY, modelId: CLAUDE, since: '2026-11-24T12:05:00.000Z' }),
          expectedVersion: 0,
        },
        {
          record: record({ account: QUIET, modelId: TITAN, region: 'us-west-2' }),
          expectedVersion: 0,
        },
      ]);
      const statuses = new FileAccountStatusStore(accountStatusPath(statePath));
      await statuses.write(
        {
          account: DENIED,
          accountName: 'sandbox',
          reachable: true,
          since: '2026-11-24T12:00:00.000Z',
          reason: null,
          streak: {
            count: 1,
            firstObservedAt: '2026-11-24T12:05:00.000Z',
            reason: 'AccessDenied: no role',
          },
          lastObservedAt: '2026-11-24T12:05:00.000Z',
          version: 2,
          outbox: [],
        },
        0,
      );
      // Unreachable since its state was stored: that state is the last one observed.
      await statuses.write(
        {
          account: READY,
          accountName: 'prod-ml',
          reachable: false,
          since: '2026-11-24T12:10:00.000Z',
          reason: 'AccessDenied: role deleted',
          streak: null,
          lastObservedAt: '2026-11-24T12:15:00.000Z',
          version: 3,
          outbox: [],
        },
        0,
      );

      const result = await runCli([
        'status',
        '--state',
        statePath,
        '--model',
        CLAUDE,
        '--region',
        'us-east-1',
        '--config',
        join(dir.path, 'missing.yml'),
      ]);
      const configPath = join(dir.path, 'watched-models.yml');
      await writeFile(configPath, `regions: [us-east-1]\nmodels:\n  - id: ${CLAUDE}\n`);
      const plain = await runCli([
        'status',
        '--state',
        statePath,
        '--model',
        CLAUDE,
        '--region',
        'us-east-1',
        '--config',
        configPath,
      ]);

      // A config given must exist: it decides which pairs are watched.
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('missing.yml');
      expect(plain.code).toBe(0);
      expect(plain.stdout.split('\n')).toEqual([
        `1 of 3 accounts can use ${CLAUDE} in us-east-1 (ENABLED): prod-ml (${READY}); 1 of them unreachable, as last observed. From ${statePath}.`,
        '',
        expect.stringMatching(/^ACCOUNT\s+NAME\s+STATE\s+SINCE\s+REACHABILITY$/),
        expect.stringMatching(
          new RegExp(
            `^${READY}\\s+prod-ml\\s+ENABLED\\s+2026-11-24 12:05 UTC\\s+UNREACHABLE since 2026-11-24 12:10 UTC$`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^${DENIED}\\s+sandbox\\s+not checked \\(no stored state\\)\\s+-\\s+reachable \\(1 period without access\\)$`,
          ),
        ),
        expect.stringMatching(
          new RegExp(`^${QUIET}\\s+-\\s+not checked \\(no stored state\\)\\s+-\\s+-$`),
        ),
        '',
        'Without access (the state shown is the last one observed):',
        `  prod-ml (${READY}): AccessDenied: role deleted`,
        `  sandbox (${DENIED}): AccessDenied: no role`,
      ]);
    } finally {
      await dir.remove();
    }
  });

  it('runs from the real executable: no state yet says so', async () => {
    const dir = await temporaryDirectory();
    try {
      const configPath = join(dir.path, 'watched-models.yml');
      await writeFile(configPath, `regions: [us-east-1]\nmodels:\n  - id: ${CLAUDE}\n`);
      const result = await runBin(
        [
          'status',
          '--state',
          join(dir.path, 'state.json'),
          '--config',
          configPath,
          '--model',
          CLAUDE,
          '--region',
          'us-east-1',
        ],
        isolatedAwsEnvironment(dir.path),
      );

      expect(result.stderr).toBe('');
      expect(result.stdout.trim()).toBe(
        `No account in ${join(dir.path, 'state.json')} has been checked yet, so none is known to use ${CLAUDE} in us-east-1.`,
      );
    } finally {
      await dir.remove();
    }
  });
});
