/**
 * STS AssumeRole (Query protocol, as @aws-sdk/client-sts sends it): validates the request as
 * STS does (sts.service-2.json: RoleArn, RoleSessionName 2-64 of [\w+=,.@-], DurationSeconds
 * 900-43200, ExternalId 2-1224), refuses a role the scenario's organization does not let the
 * caller assume, and answers credentials whose access key names the role's account.
 */
import type { SimulatedError } from './aws-errors.ts';
import type { Caller, CallerBook } from './callers.ts';
import { escapeXml, type HttpAnswer, xmlAnswer } from './responses.ts';
import type { OrganizationSpec } from './scenario-schema.ts';

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const DEFAULT_DURATION_S = 3600;

export type AssumeRoleResult =
  | { ok: true; answer: HttpAnswer }
  | { ok: false; error: SimulatedError };

function invalid(message: string): AssumeRoleResult {
  return { ok: false, error: { name: 'ValidationError', status: 400, message } };
}

function denied(caller: Caller, roleArn: string): AssumeRoleResult {
  return {
    ok: false,
    error: {
      name: 'AccessDenied',
      status: 403,
      message: `User: ${caller.callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    },
  };
}

export function assumeRole(
  params: URLSearchParams,
  context: {
    caller: Caller;
    /** The scenario's own account: its roles can be assumed without an organization. */
    ownAccount: string;
    organization: OrganizationSpec | undefined;
    callers: CallerBook;
    nowMs: number;
    requestId: string;
  },
): AssumeRoleResult {
  const roleArn = params.get('RoleArn') ?? '';
  const sessionName = params.get('RoleSessionName') ?? '';
  const durationText = params.get('DurationSeconds');
  const externalId = params.get('ExternalId');
  const role = ROLE_ARN.exec(roleArn);
  if (!role) return invalid(`${JSON.stringify(roleArn)} is not a valid role ARN (RoleArn)`);
  if (!SESSION_NAME.test(sessionName)) {
    return invalid(
      "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and length 2 to 64",
    );
  }
  const durationS = durationText === null ? DEFAULT_DURATION_S : Number(durationText);
  if (!Number.isInteger(durationS) || durationS < 900 || durationS > 43_200) {
    return invalid(
      "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200",
    );
  }
  if (externalId !== null && !EXTERNAL_ID.test(externalId)) {
    return invalid("Value at 'externalId' failed to satisfy constraint");
  }
  const [, account = '', roleName = ''] = role;
  const member = context.organization?.accounts.find((candidate) => candidate.id === account);
  const reachable =
    member === undefined ? account === context.ownAccount : member.assumeRole === 'allowed';
  if (!reachable) return denied(context.caller, roleArn);

  const issued = context.callers.issue(account, roleName, sessionName);
  // Whole seconds, as STS writes them.
  const expiration = new Date(Math.floor(context.nowMs / 1000) * 1000 + durationS * 1000);
  const xml = `<AssumeRoleResponse xmlns="${STS_NAMESPACE}">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${escapeXml(issued.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${escapeXml(issued.sessionToken)}</SessionToken>
      <Expiration>${expiration.toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>${escapeXml(issued.assumedRoleId)}</AssumedRoleId>
      <Arn>${escapeXml(issued.arn)}</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>${context.requestId}</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
`;
  return { ok: true, answer: xmlAnswer(xml) };
}
