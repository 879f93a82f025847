/**
 * The simulator's organization for `demo --accounts N`: the management account (the hub) and
 * N-1 members. One member's Claude grant in us-east-1 goes IN_PROGRESS -> ENABLED (`ready`,
 * for that account only); the last member, `sandbox`, has no member role the hub may assume
 * (AccessDenied: `account-unreachable` once confirmed); every third of the other members, from the second, has not
 * enabled Claude in us-east-1. Everything else is ENABLED. Built as scenario text and read by
 * the simulator's own parser, so it is validated like any scenario file.
 */
import { stringify } from 'yaml';
import { parseScenario, type Scenario } from '../simulator/index.ts';

export const DEMO_MODEL = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
export const DEMO_REGION = 'us-east-1';
export const HUB_ACCOUNT = '123456789012';
export const MIN_ACCOUNTS = 2;
export const MAX_ACCOUNTS = 20;
/** The run (1-based) whose tick grants the model to the ready account. */
export const READY_RUN = 3;

const MEMBER_NAMES = [
  'prod-ml',
  'staging-ml',
  'analytics',
  'data-platform',
  'search',
  'support-bots',
  'finance',
  'marketing',
  'security',
  'research',
  'mobile',
  'web',
  'payments',
  'logistics',
  'hr-tools',
  'legal',
  'devops',
  'billing',
];

export interface DemoAccount {
  id: string;
  name: string;
}

export interface DemoOrganization {
  scenario: Scenario;
  /** Every account of the organization, the hub first. */
  accounts: DemoAccount[];
  /** The account whose grant becomes ready. */
  ready: DemoAccount;
  /** The account whose role cannot be assumed. */
  unreachable: DemoAccount;
}

export function demoOrganization(size: number): DemoOrganization {
  if (!Number.isInteger(size) || size < MIN_ACCOUNTS || size > MAX_ACCOUNTS) {
    throw new RangeError(
      `an organization of ${MIN_ACCOUNTS} to ${MAX_ACCOUNTS} accounts, not ${size}`,
    );
  }
  const hub = { id: HUB_ACCOUNT, name: 'management' };
  const members: DemoAccount[] = [
    ...MEMBER_NAMES.slice(0, size - 2).map((name, i) => ({ id: String(210000000001 + i), name })),
    { id: '299999999999', name: 'sandbox' },
  ];
  const unreachable = members.at(-1) as DemoAccount;
  // With two accounts the only reachable one is the hub: its grant becomes ready.
  const ready = size > 2 ? (members[0] as DemoAccount) : hub;
  const notEnabled = members.slice(1, -1).filter((_, i) => i % 3 === 1);
  const text = stringify({
    account: hub.id,
    catalog: [
      { id: DEMO_MODEL, name: 'Claude Sonnet 4.5' },
      { id: 'amazon.titan-text-express-v1' },
    ],
    default: 'ENABLED',
    grants: [
      {
        account: ready.id,
        region: DEMO_REGION,
        model: DEMO_MODEL,
        timeline: [
          { at: 0, state: 'IN_PROGRESS' },
          { at: READY_RUN - 1, state: 'ENABLED' },
        ],
      },
      ...notEnabled.map((account) => ({
        account: account.id,
        region: DEMO_REGION,
        model: DEMO_MODEL,
        timeline: [{ at: 0, state: 'NOT_ENABLED' }],
      })),
    ],
    organization: {
      accounts: members.map((account) => ({
        id: account.id,
        name: account.name,
        ...(account === unreachable ? { assumeRole: 'denied' } : {}),
      })),
    },
  });
  return {
    scenario: parseScenario(text, `the demo's organization of ${size} accounts`),
    accounts: [hub, ...members],
    ready,
    unreachable,
  };
}
