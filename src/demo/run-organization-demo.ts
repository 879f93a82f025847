/**
 * `demo --accounts N`: organization mode's engine against the built-in simulator, no AWS
 * account needed. Each run lists the organization from the simulator's AWS Organizations,
 * makes the work message the planner would queue for each account, and hands it to the
 * worker's per-account check (organization/check-member.ts): AssumeRole through the
 * simulator's STS, that account's Bedrock checks, the same transition rules, and its
 * reachability recorded and announced as in the Lambda. There is no queue (SQS is the
 * platform's delivery, not the monitor's logic); the state lives in a temporary state file and
 * its account-status sibling instead of DynamoDB. Ends with `status --model --region`'s view.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { type AccountView, accountViewFromFiles } from '../cli/account-view.ts';
import type { CliIo } from '../cli/cli-io.ts';
import { plural, renderScope } from '../cli/plural.ts';
import { renderAccountView } from '../cli/render-account-view.ts';
import { loadWatchedModels } from '../config/load-config.ts';
import { watchedScope } from '../config/watched-config.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import type { AccountEvent } from '../organization/account-event.ts';
import { checkMember, type MemberCheckResult } from '../organization/check-member.ts';
import { listMemberAccounts } from '../organization/list-accounts.ts';
import { createMemberAvailability } from '../organization/member-availability.ts';
import { createMemberCredentials } from '../organization/member-credentials.ts';
import { accountLabel } from '../organization/render-account-event.ts';
import {
  parseWorkMessage,
  type WorkMessage,
  workMessageBody,
} from '../organization/work-message.ts';
import { type OperationName, type SimulatorStats, startSimulator } from '../simulator/index.ts';
import { accountStatusPath, FileAccountStatusStore } from '../state/file-account-status.ts';
import { FileStateStore } from '../state/file-state-store.ts';
import {
  DEMO_MODEL,
  DEMO_REGION,
  type DemoOrganization,
  demoOrganization,
  HUB_ACCOUNT,
} from './organization-scenario.ts';
import { renderAlert, renderRunLines } from './render-organization-run.ts';
import { DEMO_START, SCHEDULE_MS } from './run-demo.ts';

export const DEMO_ORGANIZATION_CONFIG_PATH = fileURLToPath(
  new URL('./demo-organization-watched-models.yml', import.meta.url),
);

export interface OrganizationDemoOptions {
  io: CliIo;
  /** Accounts in the organization, the hub (its management account) included. */
  accounts: number;
  runs: number;
}

export interface CheckedMessage {
  message: WorkMessage;
  result: MemberCheckResult;
}

export interface OrganizationDemoResult {
  organization: DemoOrganization;
  /** Each run's work messages and what the check of each gave. */
  runs: CheckedMessage[][];
  /** Every notification, in the order it was published. */
  alerts: Array<AnnouncedEvent | AccountEvent>;
  /** The per-account view of the demo's model and region after the last run. */
  view: AccountView;
}

// The demo's own caller: the simulator tells accounts apart by access key, and this one is
// the hub's (its management account's); the member accounts' keys come from AssumeRole.
const DEMO_CREDENTIALS = { accessKeyId: 'AKIADEMODEMODEMO', secretAccessKey: 'demo-not-a-secret' };
// How late after its scheduled time the worker takes each message, as a queue would.
const DELIVERY_DELAY_MS = 1_234;
const CHECK_BUDGET_MS = 10_000;

export async function runOrganizationDemo(
  options: OrganizationDemoOptions,
): Promise<OrganizationDemoResult> {
  const { io } = options;
  const organization = demoOrganization(options.accounts);
  const config = await loadWatchedModels(DEMO_ORGANIZATION_CONFIG_PATH);
  const accountsConfig = config.accounts;
  if (accountsConfig === undefined) throw new RangeError('the demo config has no "accounts"');
  const simulator = await startSimulator({ scenario: organization.scenario });
  const stateDir = await mkdtemp(join(tmpdir(), 'bedrock-access-monitor-demo-'));
  const statePath = join(stateDir, 'state.json');
  const clientConfig = {
    region: 'us-east-1',
    endpoint: simulator.url,
    credentials: DEMO_CREDENTIALS,
  };
  const sts = new STSClient(clientConfig);
  const organizations = new OrganizationsClient(clientConfig);
  try {
    const credentials = createMemberCredentials({
      sts,
      partition: 'aws',
      roleName: accountsConfig.roleName,
      externalId: accountsConfig.externalId,
      hubAccount: HUB_ACCOUNT,
    });
    const store = new FileStateStore(statePath);
    const accountStatus = new FileAccountStatusStore(accountStatusPath(statePath));
    const alerts: Array<AnnouncedEvent | AccountEvent> = [];
    const deps = {
      config,
      credentials,
      availabilityFor: createMemberAvailability({
        credentials,
        hubAccount: HUB_ACCOUNT,
        requestTimeoutMs: 2_000,
        maxAttempts: 5,
        concurrencyPerRegion: 4,
        endpoint: simulator.url,
        hubCredentials: DEMO_CREDENTIALS,
      }),
      store,
      notifier: { publish: async (event: AnnouncedEvent) => void alerts.push(event) },
      hubAccount: HUB_ACCOUNT,
      reachability: {
        store: accountStatus,
        publisher: { publish: async (event: AccountEvent) => void alerts.push(event) },
      },
      schedulePeriodMs: SCHEDULE_MS,
    };
    io.out(
      [
        `bedrock-access-monitor demo --accounts ${options.accounts}: ${plural(options.runs, 'run')} of organization mode against the built-in simulator (${simulator.url}): AWS Organizations, STS and Bedrock.`,
        `No AWS account is used. The organization: ${organization.accounts.map((a) => accountLabel(a.id, a.name)).join(', ')}; the hub is its management account.`,
        `Watched in every account: ${renderScope(watchedScope(config))}; confirmRevocation ${config.confirmRevocation}; state file ${statePath} and ${accountStatus.path}.`,
        "Each run: the planner's listing and one work message per account, handed to the worker's check directly (no queue runs here; deployed, SQS delivers them).",
        '',
      ].join('\n'),
    );
    const runs: CheckedMessage[][] = [];
    for (let run = 1; run <= options.runs; run += 1) {
      simulator.setTick(run - 1);
      const alertsBefore = alerts.length;
      const scheduledAt = new Date(DEMO_START + (run - 1) * SCHEDULE_MS);
      const listing = await listMemberAccounts(accountsConfig, () => organizations);
      const messages = listing.accounts.map((account) =>
        parseWorkMessage(workMessageBody(account, scheduledAt)),
      );
      // A worker's budget: the checks end by the deadline; a claim outlives the run.
      const budget = { deadline: Date.now() + CHECK_BUDGET_MS, outboxLeaseMs: 2 * CHECK_BUDGET_MS };
      const checked = await Promise.all(
        messages.map(async (message) => ({
          message,
          result: await checkMember(
            { ...deps, ...budget },
            message,
            scheduledAt.getTime() + DELIVERY_DELAY_MS,
          ),
        })),
      );
      runs.push(checked);
      const { statuses } = await accountStatus.loadAll();
      const announced = alerts.slice(alertsBefore);
      io.out(
        renderRunLines(run, scheduledAt, checked, statuses, announced, config.confirmRevocation),
      );
      for (const event of announced) io.out(renderAlert(event));
    }
    const view = await accountViewFromFiles(store, { modelId: DEMO_MODEL, region: DEMO_REGION });
    io.out(
      `\nAfter run ${options.runs}, which accounts can use ${DEMO_MODEL} in ${DEMO_REGION} (\`bedrock-access-monitor status --model ${DEMO_MODEL} --region ${DEMO_REGION}\`):\n\n${renderAccountView(view)}`,
    );
    const kinds = alerts.map((event) => event.kind);
    const assumed = countAnswers(simulator.stats(), 'AssumeRole');
    io.out(
      `\n${plural(options.runs, 'run')} over ${plural(options.accounts, 'account')}: ${plural(alerts.length, 'alert')} sent (${kinds.join(', ') || 'none'}). STS: ${plural(assumed.successes, 'AssumeRole')} granted, the credentials then kept per account; ${assumed.denied} denied (a denial is asked again every run).\nNext: docs/organization-mode.md deploys the same engine over SQS and Lambda for your organization.`,
    );
    return { organization, runs, alerts, view };
  } finally {
    sts.destroy();
    organizations.destroy();
    await simulator.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

function countAnswers(
  stats: SimulatorStats,
  operation: OperationName,
): { successes: number; denied: number } {
  const answers = Object.values(stats.regions).flatMap((operations) => operations[operation] ?? []);
  return {
    successes: answers.reduce((sum, counts) => sum + counts.successes, 0),
    denied: answers.reduce((sum, counts) => sum + (counts.errors.AccessDenied ?? 0), 0),
  };
}
