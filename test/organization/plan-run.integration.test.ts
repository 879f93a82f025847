import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { WatchedConfig } from '../../src/config/watched-config.ts';
import { EnqueueError } from '../../src/errors.ts';
import { type PlannerDeps, planRun } from '../../src/organization/plan-run.ts';
import { parseScenario, startSimulator } from '../../src/simulator/index.ts';
import { startSqsEndpoint } from '../support/sqs-endpoint.ts';

const CREDENTIALS = { accessKeyId: 'AKIDPLANNERTEST', secretAccessKey: 'not-a-secret' };
const QUEUE = 'bedrock-access-monitor-work';
const SCHEDULED_AT = new Date('2026-11-24T12:05:00Z');

const memberId = (n: number) => String(100_000_000_000 + n);

/** An organization of `count` members under r-abcd, ou-abcd-11111111 and a nested OU. */
function organizationScenario(count: number, faults = 'faults: []'): string {
  const accounts = Array.from({ length: count }, (_, i) => {
    const parent = ['r-abcd', 'ou-abcd-11111111', 'ou-abcd-22222222'][i % 3];
    const state = i === 4 ? 'SUSPENDED' : i === 7 ? 'PENDING_CLOSURE' : 'ACTIVE';
    return `    - { id: "${memberId(i)}", name: member-${i}, parent: ${parent}, state: ${state} }`;
  });
  return `account: "999999999999"
${faults}
organization:
  roots: [r-abcd]
  units:
    - { id: ou-abcd-11111111, parent: r-abcd }
    - { id: ou-abcd-22222222, parent: ou-abcd-11111111 }
  pageSize: 3
  accounts:
${accounts.join('\n')}
`;
}

async function world(scenario: string) {
  const simulator = await startSimulator({ scenario: parseScenario(scenario, 'org.yml') });
  const sqs = await startSqsEndpoint({ queues: [QUEUE] });
  const organizations = new OrganizationsClient({
    region: 'us-east-1',
    endpoint: simulator.url,
    credentials: CREDENTIALS,
    maxAttempts: 8,
  });
  const sqsClient = new SQSClient({
    region: 'us-east-1',
    endpoint: sqs.url,
    credentials: CREDENTIALS,
  });
  onTestFinished(async () => {
    organizations.destroy();
    sqsClient.destroy();
    await Promise.all([simulator.close(), sqs.close()]);
  });
  const deps = (accounts: NonNullable<WatchedConfig['accounts']>): PlannerDeps => ({
    accounts,
    organizations: () => organizations,
    sqs: sqsClient,
    queueUrl: sqs.queueUrl(QUEUE),
    enqueue: { pauseMs: () => 1 },
  });
  return { simulator, sqs, deps };
}

describe('the planner', () => {
  it('sends one work message per ACTIVE account of the organization, 10 a call, through throttled pages', async () => {
    const { simulator, sqs, deps } = await world(
      organizationScenario(
        23,
        'faults: [{ operations: [ListAccounts], throttle: { share: 0.5 } }]',
      ),
    );

    const summary = await planRun(
      deps({ roleName: 'read', organization: { exclude: [memberId(1)] } }),
      SCHEDULED_AT,
    );

    const expected = [
      '999999999999',
      ...Array.from({ length: 23 }, (_, i) => memberId(i)).filter(
        (id) => ![memberId(1), memberId(4), memberId(7)].includes(id),
      ),
    ].sort();
    const bodies = sqs.sent.map((message) => JSON.parse(message.body));
    expect(bodies.map((body) => body.account).sort()).toEqual(expected);
    expect(bodies.find((body) => body.account === memberId(2))).toEqual({
      schema: 'bedrock-access-monitor/check-account/v1',
      account: memberId(2),
      accountName: 'member-2',
      scheduledAt: '2026-11-24T12:05:00.000Z',
    });
    expect(sqs.batches).toEqual([10, 10, 1]);
    expect(summary).toMatchObject({ accounts: 21, inactive: 2, excluded: 1, calls: 3, resent: 0 });
    expect(simulator.stats().regions['us-east-1']?.ListAccounts?.throttled).toBeGreaterThan(0);
  });

  it('lists only the accounts under the included OUs, nested OUs too', async () => {
    const { sqs, deps } = await world(organizationScenario(9));

    await planRun(
      deps({ roleName: 'read', organization: { include: ['ou-abcd-11111111'] } }),
      SCHEDULED_AT,
    );

    const accounts = sqs.sent.map((message) => JSON.parse(message.body).account).sort();
    // Members 1, 4, 7 sit in the first OU, 2, 5, 8 in the nested one; 4 and 7 are not ACTIVE.
    expect(accounts).toEqual([1, 2, 5, 8].map(memberId));
  });

  it('sends the fixed list of ids without asking Organizations, names unknown', async () => {
    const { simulator, sqs, deps } = await world(organizationScenario(3));

    await planRun(deps({ roleName: 'read', ids: ['111111111111', '222222222222'] }), SCHEDULED_AT);

    expect(sqs.sent.map((message) => JSON.parse(message.body))).toEqual([
      expect.objectContaining({ account: '111111111111', accountName: null }),
      expect.objectContaining({ account: '222222222222', accountName: null }),
    ]);
    expect(simulator.stats().regions['us-east-1']).toBeUndefined();
  });

  it('sends again the entries SQS refused, until each is on the queue once', async () => {
    const { sqs, deps } = await world(organizationScenario(14));
    sqs.failEntries((entry, earlierOffers) => Number(entry.Id) % 2 === 0 && earlierOffers < 2);

    const summary = await planRun(deps({ roleName: 'read', organization: {} }), SCHEDULED_AT);

    const accounts = sqs.sent.map((message) => JSON.parse(message.body).account);
    expect(new Set(accounts).size).toBe(accounts.length);
    expect(accounts).toHaveLength(13);
    expect(summary.resent).toBeGreaterThan(0);
  });

  it('fails loudly, naming them, when some accounts cannot be put on the queue', async () => {
    const { sqs, deps } = await world(organizationScenario(5));
    sqs.failEntries((entry) => entry.Id === memberId(3), 'KmsThrottled');

    const run = planRun(deps({ roleName: 'read', organization: {} }), SCHEDULED_AT);

    await expect(run).rejects.toBeInstanceOf(EnqueueError);
    await expect(run).rejects.toMatchObject({
      accounts: [memberId(3)],
      message: expect.stringContaining('KmsThrottled'),
    });
    expect(sqs.sent.map((message) => JSON.parse(message.body).account)).not.toContain(memberId(3));
  });
});
