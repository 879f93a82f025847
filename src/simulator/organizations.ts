/**
 * AWS Organizations ListAccounts, ListAccountsForParent and ListChildren, on the wire of
 * organizations.service-2.json: JSON 1.1, `X-Amz-Target: AWSOrganizationsV20161128.<op>`,
 * errors as `{"__type", "Message"}` with status 400, pages of at most MaxResults (1-20) with an
 * opaque NextToken. Only the scenario's own account (the management account) may list.
 */
import type { SimulatedError } from './aws-errors.ts';
import type { HttpAnswer } from './responses.ts';
import type { OrganizationSpec } from './scenario-schema.ts';
import { ORGANIZATIONS_OPERATIONS, type OrganizationsOperation } from './wire-vocabulary.ts';

const TARGET_PREFIX = 'AWSOrganizationsV20161128.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export function organizationsOperation(
  target: string | undefined,
): OrganizationsOperation | undefined {
  if (target === undefined || !target.startsWith(TARGET_PREFIX)) return undefined;
  const name = target.slice(TARGET_PREFIX.length);
  return ORGANIZATIONS_OPERATIONS.find((operation) => operation === name);
}

export function organizationsAnswer(body: unknown, status = 200): HttpAnswer {
  return { status, headers: { 'content-type': CONTENT_TYPE }, body: JSON.stringify(body) };
}

/** JSON 1.x error: the shape name in `__type`; TooManyRequestsException carries a Type too. */
export function organizationsErrorAnswer(error: SimulatedError): HttpAnswer {
  const type = error.name === 'TooManyRequestsException' ? { Type: 'ListRequests' } : {};
  return organizationsAnswer({ __type: error.name, Message: error.message, ...type }, error.status);
}

export function tooManyRequests(): SimulatedError {
  return {
    name: 'TooManyRequestsException',
    status: 400,
    message: 'You have sent too many requests in too short a period of time. Try again later.',
  };
}

function error(name: string, message: string): { ok: false; error: SimulatedError } {
  return { ok: false, error: { name, status: 400, message } };
}

export type OrganizationsResult =
  | { ok: true; answer: HttpAnswer }
  | { ok: false; error: SimulatedError };

interface Listed {
  Id: string;
  Arn: string;
  Email: string;
  Name: string;
  Status?: string;
  State: string;
  JoinedMethod: 'CREATED' | 'INVITED';
  JoinedTimestamp: number;
}

// The retiring Status has three of State's five values.
const STATUS_OF: Readonly<Record<string, string | undefined>> = {
  ACTIVE: 'ACTIVE',
  SUSPENDED: 'SUSPENDED',
  PENDING_CLOSURE: 'PENDING_CLOSURE',
};

/** The organization as Organizations lists it: the management account is a member too. */
export class OrganizationBook {
  private readonly accounts: Array<Listed & { parent: string }>;
  private readonly parents: Set<string>;

  constructor(
    private readonly spec: OrganizationSpec,
    private readonly managementAccount: string,
    joinedAtMs: number,
  ) {
    const root = spec.roots[0] as string;
    const members = spec.accounts.some((account) => account.id === managementAccount)
      ? spec.accounts
      : [
          { id: managementAccount, name: 'management', parent: root, state: 'ACTIVE' as const },
          ...spec.accounts,
        ];
    const joined = Math.floor(joinedAtMs / 1000);
    this.accounts = members.map((account) => ({
      Id: account.id,
      Arn: `arn:aws:organizations::${managementAccount}:account/${spec.id}/${account.id}`,
      Email: `aws+${account.id}@example.com`,
      Name: account.name ?? `account-${account.id}`,
      ...(STATUS_OF[account.state] === undefined ? {} : { Status: STATUS_OF[account.state] }),
      State: account.state,
      JoinedMethod: account.id === managementAccount ? 'CREATED' : 'INVITED',
      JoinedTimestamp: joined,
      parent: account.parent ?? root,
    }));
    this.parents = new Set([...spec.roots, ...spec.units.map((unit) => unit.id)]);
  }

  handle(operation: OrganizationsOperation, body: string, caller: string): OrganizationsResult {
    if (caller !== this.managementAccount) {
      return {
        ok: false,
        error: {
          name: 'AccessDeniedException',
          status: 400,
          message: `You don't have permissions to access this resource: account ${caller} is not the management account or a delegated administrator.`,
        },
      };
    }
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(body === '' ? '{}' : body);
      if (typeof parsed !== 'object' || parsed === null) throw new SyntaxError('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return error('SerializationException', 'The request body is not valid JSON.');
    }
    const maxResults = input.MaxResults;
    if (
      maxResults !== undefined &&
      (!Number.isInteger(maxResults) || (maxResults as number) < 1 || (maxResults as number) > 20)
    ) {
      return error('InvalidInputException', 'MaxResults must be between 1 and 20.');
    }
    const pageSize = Math.min(this.spec.pageSize, (maxResults as number | undefined) ?? 20);
    const parent = input.ParentId;
    if (operation !== 'ListAccounts') {
      if (typeof parent !== 'string')
        return error('InvalidInputException', 'ParentId is required.');
      if (!this.parents.has(parent)) {
        return error(
          'ParentNotFoundException',
          "We can't find a root or OU with the ParentId that you specified.",
        );
      }
    }
    const items = this.items(operation, parent as string, input.ChildType);
    if (!items.ok) return items;
    const start = readToken(input.NextToken, operation, parent);
    if (start === undefined || start > items.list.length) {
      return error('InvalidInputException', 'The NextToken is not valid.');
    }
    const page = items.list.slice(start, start + pageSize);
    const next = start + pageSize < items.list.length ? start + pageSize : undefined;
    const key = operation === 'ListChildren' ? 'Children' : 'Accounts';
    return {
      ok: true,
      answer: organizationsAnswer({
        [key]: page,
        ...(next === undefined ? {} : { NextToken: writeToken(next, operation, parent) }),
      }),
    };
  }

  private items(
    operation: OrganizationsOperation,
    parent: string,
    childType: unknown,
  ): { ok: true; list: unknown[] } | { ok: false; error: SimulatedError } {
    const listed = (accounts: typeof this.accounts) =>
      accounts.map(({ parent: _, ...account }) => account);
    if (operation === 'ListAccounts') return { ok: true, list: listed(this.accounts) };
    if (operation === 'ListAccountsForParent') {
      return {
        ok: true,
        list: listed(this.accounts.filter((account) => account.parent === parent)),
      };
    }
    if (childType === 'ACCOUNT') {
      return {
        ok: true,
        list: this.accounts
          .filter((account) => account.parent === parent)
          .map((account) => ({ Id: account.Id, Type: 'ACCOUNT' })),
      };
    }
    if (childType === 'ORGANIZATIONAL_UNIT') {
      return {
        ok: true,
        list: this.spec.units
          .filter((unit) => unit.parent === parent)
          .map((unit) => ({ Id: unit.id, Type: 'ORGANIZATIONAL_UNIT' })),
      };
    }
    return error('InvalidInputException', 'ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT.');
  }
}

function writeToken(offset: number, operation: string, parent: unknown): string {
  return Buffer.from(JSON.stringify([operation, parent ?? null, offset])).toString('base64');
}

/** The offset a token points at; 0 without one; undefined for a token of another listing. */
function readToken(token: unknown, operation: string, parent: unknown): number | undefined {
  if (token === undefined || token === null) return 0;
  if (typeof token !== 'string') return undefined;
  try {
    const [op, forParent, offset] = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (op !== operation || forParent !== (parent ?? null) || !Number.isInteger(offset)) {
      return undefined;
    }
    return offset;
  } catch {
    return undefined;
  }
}
