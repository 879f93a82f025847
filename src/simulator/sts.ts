/**
 * STS GetCallerIdentity, so the CLI can learn its account from the simulator through
 * AWS_ENDPOINT_URL_STS. @aws-sdk/client-sts (3.1174) speaks the AWS Query protocol: a form
 * body `Action=GetCallerIdentity&Version=2011-06-15` POSTed to `/`, answered in XML.
 */
import type { SimulatedError } from './aws-errors.ts';
import { escapeXml, type HttpAnswer, xmlAnswer } from './responses.ts';

const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const STS_VERSION = '2011-06-15';

/** A Query-protocol request looks like this; used to answer unsigned ones in the right format. */
export function looksLikeStsQuery(method: string, pathname: string, body: string): boolean {
  return method === 'POST' && pathname === '/' && new URLSearchParams(body).has('Action');
}

export function stsAction(body: string): string | null {
  return new URLSearchParams(body).get('Action');
}

/** `...:assumed-role/Role/session` has a role id plus session; anything else a user id. */
function userIdFor(callerArn: string): string {
  const session = /:assumed-role\/[^/]+\/(.+)$/.exec(callerArn)?.[1];
  return session === undefined ? 'AIDASIMULATOREXAMPLE1' : `AROASIMULATOREXAMPLE1:${session}`;
}

export function stsErrorAnswer(error: SimulatedError, requestId: string): HttpAnswer {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return xmlAnswer(
    `<ErrorResponse xmlns="${STS_NAMESPACE}">
  <Error>
    <Type>${type}</Type>
    <Code>${escapeXml(error.name)}</Code>
    <Message>${escapeXml(error.message)}</Message>
  </Error>
  <RequestId>${requestId}</RequestId>
</ErrorResponse>
`,
    error.status,
  );
}

export type StsResult = { ok: true; answer: HttpAnswer } | { ok: false; error: SimulatedError };

export function answerStsQuery(
  body: string,
  caller: { account: string; callerArn: string },
  requestId: string,
): StsResult {
  const action = stsAction(body);
  if (action !== 'GetCallerIdentity') {
    return {
      ok: false,
      error: {
        name: 'InvalidAction',
        status: 400,
        message: `Could not find operation ${action ?? '(none)'} for version ${STS_VERSION}`,
      },
    };
  }
  const xml = `<GetCallerIdentityResponse xmlns="${STS_NAMESPACE}">
  <GetCallerIdentityResult>
    <Arn>${escapeXml(caller.callerArn)}</Arn>
    <UserId>${escapeXml(userIdFor(caller.callerArn))}</UserId>
    <Account>${caller.account}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>
`;
  return { ok: true, answer: xmlAnswer(xml) };
}
