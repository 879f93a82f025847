/**
 * The planner: organization mode's scheduled run. It lists the member accounts and puts one
 * work message per account on the queue, each saying when the period was scheduled; the
 * worker (check-account.ts) checks each account from there.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { WatchedConfig } from '../config/watched-config.ts';
import type { MonitorLog } from '../monitor/monitor-log.ts';
import { type EnqueueOptions, enqueueWork } from './enqueue-work.ts';
import { listMemberAccounts } from './list-accounts.ts';
import { workMessageBody } from './work-message.ts';

export interface PlannerDeps {
  accounts: NonNullable<WatchedConfig['accounts']>;
  /** Created on first use: a fixed list of ids never calls Organizations. */
  organizations: () => OrganizationsClient;
  sqs: SQSClient;
  queueUrl: string;
  log?: MonitorLog;
  enqueue?: EnqueueOptions;
}

/** What one planning run did; the handler returns it. */
export interface PlanSummary {
  mode: 'organization';
  scheduledAt: string;
  durationMs: number;
  /** Accounts a work message was sent for. */
  accounts: number;
  /** Accounts of the organization left out: not ACTIVE, or excluded by the config. */
  inactive: number;
  excluded: number;
  /** SendMessageBatch calls, and entries sent again after SQS refused them. */
  calls: number;
  resent: number;
}

/** One planning run; rejects (AccountListingError, EnqueueError) when an account would be left out. */
export async function planRun(deps: PlannerDeps, scheduledAt: Date): Promise<PlanSummary> {
  const startedAt = performance.now();
  const listing = await listMemberAccounts(deps.accounts, deps.organizations);
  const report = await enqueueWork(
    deps.sqs,
    deps.queueUrl,
    listing.accounts.map((account) => ({
      id: account.id,
      body: workMessageBody(account, scheduledAt),
    })),
    deps.enqueue,
  );
  return {
    mode: 'organization',
    scheduledAt: scheduledAt.toISOString(),
    durationMs: Math.round(performance.now() - startedAt),
    accounts: listing.accounts.length,
    inactive: listing.inactive,
    excluded: listing.excluded,
    calls: report.calls,
    resent: report.resent,
  };
}
