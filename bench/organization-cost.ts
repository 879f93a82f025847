/**
 * Organization mode's monthly cost: what each member account adds (its worker invocations, its
 * SQS requests, its DynamoDB Query, its log lines), apart from what the hub pays once whatever
 * the number of members (the planner's runs, the event source's idle polling, the queue alarms,
 * the stack's key and alarms). Compared, in the same table, with one whole stack per account.
 */
import {
  atLambdaMemory,
  type CostItem,
  dynamoDbItems,
  lambdaItems,
  priceText,
  usageItem,
} from './cost.ts';
import { PRICES } from './prices.ts';
import { round } from './stats.ts';

/** One member account's check as the real worker ran it here, warm, on a quiet period. */
export interface MemberRunMeasured {
  wallMs: number;
  cpuMs: number;
  /** DynamoDB read units of its Query; write units (none on a quiet run). */
  readUnits: number;
  writeUnits: number;
  /** Bytes the worker logged for the account, and Lambda's START/END/REPORT lines. */
  logBytes: number;
}

export interface HubFixed {
  /** The planner's run each period, measured here. */
  plannerWallMs: number;
  plannerCpuMs: number;
  plannerMemoryMb: number;
  /** The event source's pollers while the queue is empty, and their long-poll wait. */
  idlePollers: number;
  pollWaitSeconds: number;
  /** Alarm metrics organization mode adds (the queue's), and the stack's own fixed cost. */
  addedAlarmMetrics: number;
  stackFixedUsd: number;
}

export interface OrganizationCost {
  accounts: number;
  runsPerMonth: number;
  perMember: CostItem[];
  perMemberUsd: number;
  hub: CostItem[];
  hubUsd: number;
  /** Hub plus every member. */
  totalUsd: number;
  /** One stack per account, each at the single-account figure of part 5. */
  stackPerAccountUsd: number;
}

/**
 * SQS requests per member and period: its share of a SendMessageBatch (10 messages a call), the
 * ReceiveMessage that delivers it (batch size 1) and the DeleteMessage after success.
 */
export const SQS_REQUESTS_PER_MESSAGE = 1 / 10 + 1 + 1;

export function organizationCost(options: {
  accounts: number;
  runsPerMonth: number;
  member: MemberRunMeasured;
  workerMemoryMb: number;
  /** Workers started cold in a period (at most the concurrency reached), shared by the members. */
  coldStartsPerPeriod: number;
  coldStartMeasured: { wallMs: number; cpuMs: number };
  hub: HubFixed;
  singleStackUsd: number;
}): OrganizationCost {
  const { accounts, runsPerMonth, member, workerMemoryMb, hub } = options;
  const workerMs = atLambdaMemory(member, workerMemoryMb);
  const coldShareMs =
    (atLambdaMemory(options.coldStartMeasured, workerMemoryMb) * options.coldStartsPerPeriod) /
    Math.max(1, accounts);
  const logGb = (member.logBytes * runsPerMonth) / 1024 ** 3;
  const perMember: CostItem[] = [
    ...lambdaItems(
      'worker, with its share of cold starts',
      { billedMs: workerMs + coldShareMs, memoryMb: workerMemoryMb },
      runsPerMonth,
    ),
    usageItem(
      'SQS requests',
      `${round(SQS_REQUESTS_PER_MESSAGE, 2)} requests x ${runsPerMonth} messages`,
      PRICES.sqsRequest,
      SQS_REQUESTS_PER_MESSAGE * runsPerMonth * PRICES.sqsRequest.usd,
    ),
    ...dynamoDbItems(member, runsPerMonth),
    usageItem(
      'CloudWatch Logs',
      `${member.logBytes} B x ${runsPerMonth} runs`,
      PRICES.logsIngestion,
      logGb * PRICES.logsIngestion.usd,
    ),
  ];
  const plannerMs = atLambdaMemory(
    { wallMs: hub.plannerWallMs, cpuMs: hub.plannerCpuMs },
    hub.plannerMemoryMb,
  );
  const secondsPerMonth = runsPerMonth * 300;
  const idleReceives = (hub.idlePollers * secondsPerMonth) / hub.pollWaitSeconds;
  const hubItems: CostItem[] = [
    ...lambdaItems('planner', { billedMs: plannerMs, memoryMb: hub.plannerMemoryMb }, runsPerMonth),
    usageItem(
      'SQS idle polling',
      `${hub.idlePollers} pollers, one ${hub.pollWaitSeconds} s long poll each = ${Math.round(idleReceives)} requests`,
      PRICES.sqsRequest,
      idleReceives * PRICES.sqsRequest.usd,
    ),
    {
      item: 'CloudWatch alarms (queue)',
      kind: 'fixed',
      usage: `${hub.addedAlarmMetrics} alarm metrics`,
      price: priceText(PRICES.alarm),
      monthlyUsd: hub.addedAlarmMetrics * PRICES.alarm.usd,
    },
    {
      item: "the stack's own fixed cost (part 5: key, alarms, metrics)",
      kind: 'fixed',
      usage: '1 stack',
      price: 'part 5',
      monthlyUsd: hub.stackFixedUsd,
    },
  ];
  const sum = (items: CostItem[]) => items.reduce((total, item) => total + item.monthlyUsd, 0);
  const perMemberUsd = sum(perMember);
  const hubUsd = sum(hubItems);
  const rounded = (items: CostItem[]) =>
    items.map((item) => ({ ...item, monthlyUsd: round(item.monthlyUsd, 5) }));
  return {
    accounts,
    runsPerMonth,
    perMember: rounded(perMember),
    perMemberUsd: round(perMemberUsd, 5),
    hub: rounded(hubItems),
    hubUsd: round(hubUsd, 4),
    totalUsd: round(hubUsd + perMemberUsd * accounts, 2),
    stackPerAccountUsd: round(options.singleStackUsd * accounts, 2),
  };
}
