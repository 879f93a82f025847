/** The benchmark's text report of organization mode: parts 6 (real), 7 (modelled), 8 (cost). */

import type { CostItem } from './cost.ts';
import type {
  OrganizationCostPart,
  OrganizationModelPart,
  OrganizationRealPart,
} from './organization-parts.ts';
import { counts, fmtMs, table, usd } from './report.ts';

export interface OrganizationReport {
  real: OrganizationRealPart;
  model: OrganizationModelPart;
  cost: OrganizationCostPart;
}

export function renderOrganization(report: OrganizationReport): string[] {
  const { real, model, cost } = report;
  const atMaximum = model.atMaximumConcurrency;
  const published = model.published;
  return [
    `6. Organization mode, real: ${real.accounts} accounts (the hub and ${real.members} members) x ${real.models} models x ${real.regions} regions = ${real.pairsPerAccount} pairs each; the planner (scheduled handler) to the SQS endpoint, the worker (handlers/check-account.ts's) in this process, ${real.batchSize} messages an invocation (the deployed batch size), ${real.concurrency} invocations at a time, each its own worker; simulator ${real.latencyMs} ms a call, ${real.ratePerSecond} requests/s per account and region (burst ${real.burst}), dynalite, the SNS endpoint`,
    `   lower bound: ${real.lowerBoundFormula} = ${fmtMs(real.lowerBoundMs)}`,
    table(
      [
        'period',
        'planner',
        'workers wall',
        'ratio',
        'invocations',
        'UNKNOWN',
        'failed',
        'throttled',
        'AssumeRole',
        'overhead / invocation',
        'DynamoDB per account',
        'capacity per account',
        'SNS',
      ],
      real.periods.map((period) => [
        period.phase === 'first' ? 'first (writes the states)' : 'quiet (nothing changed)',
        fmtMs(period.plannerWallMs),
        fmtMs(period.wallMs),
        (period.wallMs / real.lowerBoundMs).toFixed(2),
        String(period.invocations),
        String(period.unknown),
        String(period.failedMessages),
        String(period.throttled),
        String(period.assumeRoles),
        fmtMs(period.medianOverheadMs, 1),
        counts(period.dynamoPerAccount),
        counts(period.capacityPerAccount),
        String(period.snsPublishes),
      ]),
    ),
    `   overhead: an invocation's duration less the longest check of its batch (median)`,
    `   one worker container as deployed (handlers/check-account.ts bundled like the deployed one, plain node with Lambda's heap limits, a process of its own, ${real.batchSize} messages an SQS event, one batch after the other; memorySize ${real.workerMemoryMb} MB):`,
    table(
      [
        'pairs per account',
        'batches',
        'accounts served',
        'UNKNOWN',
        'failed',
        'import',
        'median invocation',
        'peak RSS',
      ],
      real.workerContainers.map((container) => [
        `${container.models} x ${container.regions}`,
        String(container.batches),
        String(container.accountsServed),
        String(container.unknown),
        String(container.failedMessages),
        fmtMs(container.importMs),
        fmtMs(container.medianInvocationMs),
        `${container.peakRssMib} MiB`,
      ]),
    ),
    `   the bench process (simulator, dynalite, endpoints, ${real.concurrency} in-process workers; not a container's): peak RSS ${real.benchProcessPeakRssBeforeMib} MiB before the periods, ${real.benchProcessPeakRssAfterMib} MiB after`,
    '',
    `7. Organization mode, modelled (bench/organization-model.ts): ${model.accounts} accounts x ${model.models} models x ${model.regions} regions = ${model.checks} checks in one ${fmtMs(model.periodMs)} period`,
    `   per account: ${fmtMs(model.inputs.checkMs)} checking (${model.inputs.checkMsFrom}); ${fmtMs(model.inputs.assumeRoleMs)} before it (${model.inputs.assumeRoleMsFrom})`,
    `   planner: ${model.inputs.pageMs} ms a call (${model.inputs.callMsFrom})`,
    '   published figures:',
    `   - event source scaling ${JSON.stringify(published.eventSourceScaling.value)}: ${published.eventSourceScaling.source} (${published.eventSourceScaling.asOf})`,
    `   - STS ${published.stsRequestsPerSecond.value} requests/s: ${published.stsRequestsPerSecond.source} (${published.stsRequestsPerSecond.asOf})`,
    `   - Organizations ListAccounts ${JSON.stringify(published.organizationsListAccounts.value)}: ${published.organizationsListAccounts.source} (${published.organizationsListAccounts.asOf})`,
    table(
      ['maximumConcurrency', 'listed', 'enqueued', 'every account checked', 'peak concurrency'],
      [
        [
          String(atMaximum.maximumConcurrency),
          fmtMs(atMaximum.listedAtMs),
          fmtMs(atMaximum.enqueuedAtMs),
          fmtMs(atMaximum.finishedAtMs),
          String(atMaximum.peakConcurrency),
        ],
      ],
    ),
    `   the least maximumConcurrency that checks every account within ${fmtMs(model.periodMs)}: ${model.leastConcurrency ?? 'none up to the event source cap'}`,
    '   the model runs one account per invocation; the deployed batch of 5 checks up to 5 at once, so these are upper bounds',
    '',
    '8. Organization mode, monthly cost at the default config, every 5 minutes (us-east-1 list prices)',
    `   member run (per account, measured): ${cost.member.wallMs} ms billed share, ${cost.member.cpuMs} ms CPU, ${cost.member.readUnits} read units, ${cost.member.writeUnits} write units, ${cost.member.logBytes} B of log`,
    ...cost.estimates.flatMap((estimate) => [
      `   ${estimate.accounts} accounts, ${estimate.runsPerMonth} periods a month:`,
      table(
        ['item', 'kind', 'usage a month', 'price', 'a month'],
        [
          ...estimate.perMember.map(costRow('member')),
          ['per member account', '', '', '', usd(estimate.perMemberUsd)],
          ...estimate.hub.map(costRow('hub')),
          ['hub, once', '', '', '', usd(estimate.hubUsd)],
          [`organization mode, ${estimate.accounts} accounts`, '', '', '', usd(estimate.totalUsd)],
          [
            `one stack per account, ${estimate.accounts} stacks`,
            '',
            '',
            '',
            usd(estimate.stackPerAccountUsd),
          ],
        ],
      ),
    ]),
    ...cost.notes.map((note) => `   - ${note}`),
  ];
}

/** One cost item as a row of the cost table, named for who pays it. */
function costRow(payer: 'member' | 'hub') {
  return (item: CostItem) => [
    `${payer}: ${item.item}`,
    item.kind,
    item.usage,
    item.price,
    usd(item.monthlyUsd),
  ];
}
