/**
 * Published AWS list prices, us-east-1, each with its source and the date it took effect or was
 * last confirmed. Update them here; the cost section of docs/deploy-and-operate.md quotes what
 * `npm run bench` computes from them.
 */
export interface Price {
  name: string;
  usd: number;
  per: string;
  source: string;
  asOf: string;
}

export const PRICES = {
  lambdaGbSecondArm: {
    name: 'Lambda duration, arm64',
    usd: 0.0000133334,
    per: 'GB-second',
    source: 'https://aws.amazon.com/lambda/pricing/',
    asOf: 'since the arm64 launch, 2021-09-29; unchanged in 2025',
  },
  lambdaRequest: {
    name: 'Lambda requests',
    usd: 0.2 / 1_000_000,
    per: 'request ($0.20 per million)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    asOf: 'unchanged in 2025',
  },
  dynamoReadUnit: {
    name: 'DynamoDB on-demand read request unit',
    usd: 0.125 / 1_000_000,
    per: 'read request unit ($0.125 per million)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: 'effective 2024-11-01 (the on-demand price reduction of November 2024)',
  },
  dynamoWriteUnit: {
    name: 'DynamoDB on-demand write request unit',
    usd: 0.625 / 1_000_000,
    per: 'write request unit ($0.625 per million)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: 'effective 2024-11-01 (the on-demand price reduction of November 2024)',
  },
  customMetric: {
    name: 'CloudWatch custom metric',
    usd: 0.3,
    per: 'metric-month (first 10,000 metrics)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    asOf: 'as published in 2025',
  },
  alarm: {
    name: 'CloudWatch alarm, standard resolution',
    usd: 0.1,
    per: 'alarm metric-month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    asOf: 'as published in 2025',
  },
  logsIngestion: {
    name: 'CloudWatch Logs ingestion (Lambda logs, first tier)',
    usd: 0.5,
    per: 'GB ingested',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    asOf: 'as published in 2025 (Lambda logs tiered from 2025-05-01; the first 10 TB stay at $0.50)',
  },
  dashboard: {
    name: 'CloudWatch dashboard',
    usd: 3.0,
    per: 'dashboard-month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    asOf: 'as published in 2025; unchanged in the page as summarized in February 2026',
  },
  logsInsightsScan: {
    name: 'CloudWatch Logs Insights query (a dashboard log widget runs one per view)',
    usd: 0.005,
    per: 'GB of log scanned',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    asOf: 'as published in 2025',
  },
  sqsRequest: {
    name: 'SQS standard queue request',
    usd: 0.4 / 1_000_000,
    per: 'request ($0.40 per million; a batch of up to 10 messages is one request, per 64 KB chunk)',
    source: 'https://aws.amazon.com/sqs/pricing/',
    asOf: 'as widely quoted in 2025 (the page itself could not be read from here); empty receives are billed (Knowledge Center "sqs-high-charges", 2021-07-23); SSE-SQS keys cost nothing',
  },
  kmsKey: {
    name: 'KMS customer managed key',
    usd: 1.0,
    per: 'key-month',
    source: 'https://aws.amazon.com/kms/pricing/',
    asOf: 'as published in 2025',
  },
} satisfies Record<string, Price>;

/**
 * The always-free allowances that apply (per account, shared with everything else in it).
 * CloudWatch: 10 custom metrics and 10 alarm metrics, 5 GB of logs, 3 dashboards of up to 50
 * metrics each. Lambda: 1M requests and 400,000 GB-seconds. KMS has no free keys.
 */
export const FREE_TIER = {
  customMetrics: 10,
  alarms: 10,
  dashboards: 3,
  logsGb: 5,
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  source: 'https://aws.amazon.com/free/ (always free), https://aws.amazon.com/cloudwatch/pricing/',
};

/**
 * Lambda gives a function CPU in proportion to its memory: one vCPU at 1,769 MB (Lambda
 * Developer Guide, "Configure Lambda function memory").
 */
export const LAMBDA_MB_PER_VCPU = 1769;

/** INIT is billed for on-demand ZIP functions on managed runtimes since 2025-08-01. */
export const INIT_BILLED_SINCE = '2025-08-01';
