/**
 * `accounts`: organization mode (DESIGN.md, "Organization mode"). The patterns are those of the
 * official API models: AccountId, RootId and OrganizationalUnitId in Organizations, roleName in
 * IAM, externalId in STS AssumeRole.
 */
import * as z from 'zod';
import { describeValue, refineUnique } from './schema-helpers.ts';

export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const ROOT_ID_PATTERN = /^r-[0-9a-z]{4,32}$/;
export const OU_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

function accountIdMessage(key: string, input: unknown): string {
  if (typeof input === 'number') {
    return `Each account id in "${key}" must be a quoted string of 12 digits, like "111111111111": as a number YAML would drop leading zeros; found ${input}.`;
  }
  return `Each account id in "${key}" must be 12 digits, like "111111111111"; found ${describeValue(input)}.`;
}

const accountIdList = (key: string, description: string) =>
  z
    .array(
      z
        .string({ error: (issue) => accountIdMessage(key, issue.input) })
        .check(
          z.regex(ACCOUNT_ID_PATTERN, { error: (issue) => accountIdMessage(key, issue.input) }),
        ),
      {
        error: (issue) =>
          `"${key}" must be a list of account ids, like ["111111111111", "222222222222"]; found ${describeValue(issue.input)}.`,
      },
    )
    .check(
      z.minLength(1, {
        error: `"${key}" is empty; name at least one account id, or remove the key.`,
      }),
      z.superRefine(...refineUnique(undefined, (id) => `"${id}" is listed twice in "${key}".`)),
    )
    .register(z.globalRegistry, { description, uniqueItems: true, examples: [['111111111111']] });

function parentIdMessage(input: unknown): string {
  return `Each entry of "include" must be a root id like r-abcd or an organizational unit id like ou-abcd-11111111 (as Organizations shows them); found ${describeValue(input)}.`;
}

const ParentIdListSchema = z
  .array(
    z.string({ error: (issue) => parentIdMessage(issue.input) }).check(
      z.refine((id) => ROOT_ID_PATTERN.test(id) || OU_ID_PATTERN.test(id), {
        error: (issue) => parentIdMessage(issue.input),
      }),
    ),
    {
      error: (issue) =>
        `"include" must be a list of root or organizational unit ids, like [r-abcd, ou-abcd-11111111]; found ${describeValue(issue.input)}.`,
    },
  )
  .check(
    z.minLength(1, {
      error:
        '"include" is empty; name at least one root or OU, or remove the key to watch the whole organization.',
    }),
    z.superRefine(...refineUnique(undefined, (id) => `"${id}" is listed twice in "include".`)),
  )
  .register(z.globalRegistry, {
    description:
      'Roots (r-...) or organizational units (ou-...) whose ACTIVE accounts are watched, OUs nested under them included. Default: the whole organization.',
    uniqueItems: true,
    examples: [['r-abcd', 'ou-abcd-11111111']],
  });

const OrganizationSchema = z
  .strictObject(
    {
      include: z.optional(ParentIdListSchema),
      exclude: z.optional(
        accountIdList('exclude', 'Accounts never watched, even when under an included root or OU.'),
      ),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? `"organization" must be a mapping (it may be empty: organization: {}), with optional "include" and "exclude"; found ${describeValue(issue.input)}.`
          : undefined,
    },
  )
  .register(z.globalRegistry, {
    description:
      'Watch the ACTIVE accounts of the organization, listed from AWS Organizations on every run.',
    examples: [{}, { include: ['ou-abcd-11111111'], exclude: ['333333333333'] }],
  });

const roleNameMessage = (issue: { input?: unknown }) =>
  issue.input === undefined
    ? '"accounts" has no "roleName"; name the role the member-role template creates in every account, like roleName: bedrock-access-monitor-read.'
    : `"roleName" must be an IAM role name: 1 to 64 letters, digits and + = , . @ _ -, without a path; found ${describeValue(issue.input)}.`;

const externalIdMessage = (issue: { input?: unknown }) =>
  `"externalId" must be 2 to 1224 letters, digits and + = , . @ : / _ -; found ${describeValue(issue.input)}.`;

export const AccountsSchema = z
  .strictObject(
    {
      roleName: z
        .string({ error: roleNameMessage })
        .check(z.regex(ROLE_NAME_PATTERN, { error: roleNameMessage }))
        .register(z.globalRegistry, {
          description:
            'The role the worker assumes in every member account (the member-role template creates it).',
          examples: ['bedrock-access-monitor-read'],
        }),
      externalId: z.optional(
        z
          .string({ error: externalIdMessage })
          .check(z.regex(EXTERNAL_ID_PATTERN, { error: externalIdMessage }))
          .register(z.globalRegistry, {
            description:
              'Optional: the external id the member role requires (sts:ExternalId), passed on every AssumeRole.',
          }),
      ),
      ids: z.optional(accountIdList('ids', 'A fixed list of the accounts to watch.')),
      organization: z.optional(OrganizationSchema),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? `"accounts" must be a mapping with "roleName" and one of "ids" or "organization"; found ${describeValue(issue.input)}.`
          : undefined,
    },
  )
  .check(
    // Also when another key is wrong, so both mistakes are reported at once.
    z.superRefine(
      (accounts, context) => {
        if (typeof accounts !== 'object' || accounts === null) return;
        const given = [accounts.ids, accounts.organization].filter((value) => value !== undefined);
        if (given.length === 1) return;
        context.addIssue({
          code: 'custom',
          path: [],
          message:
            given.length === 0
              ? '"accounts" names no accounts; add "ids" (a fixed list) or "organization" (every ACTIVE account, listed from AWS Organizations).'
              : '"accounts" has both "ids" and "organization"; keep one: a fixed list, or the organization.',
        });
      },
      { when: () => true },
    ),
  )
  .register(z.globalRegistry, {
    title: 'Organization mode',
    description:
      'Optional: watch these member accounts from this one (the hub), each through a read-only role. Without it, only the account the stack is deployed in is watched.',
    examples: [
      { roleName: 'bedrock-access-monitor-read', ids: ['111111111111', '222222222222'] },
      { roleName: 'bedrock-access-monitor-read', organization: { exclude: ['333333333333'] } },
    ],
  });
