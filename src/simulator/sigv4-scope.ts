/**
 * Reads the SigV4 credential scope of a request. The simulator serves every region on one
 * port, so the scope's region is how it tells them apart, just as the SDK signs for the region
 * it was created with. Signatures are not verified: any fake credentials work.
 */

export interface CredentialScope {
  accessKeyId: string;
  /** yyyymmdd */
  date: string;
  region: string;
  service: string;
}

export type ScopeReading =
  | { kind: 'signed'; scope: CredentialScope }
  | { kind: 'missing' }
  | { kind: 'unreadable'; detail: string };

const CREDENTIAL =
  /(?:^|[\s,])Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/;

export function readCredentialScope(authorization: string | undefined): ScopeReading {
  if (authorization === undefined || authorization.trim() === '') return { kind: 'missing' };
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) {
    // e.g. `Bearer ...` from AWS_BEARER_TOKEN_BEDROCK: it names no region, and the simulator's
    // host name cannot say it either.
    return {
      kind: 'unreadable',
      detail:
        'The simulator needs a SigV4 (AWS4-HMAC-SHA256) Authorization header to tell regions apart; unset AWS_BEARER_TOKEN_BEDROCK.',
    };
  }
  const match = CREDENTIAL.exec(authorization);
  if (!match) {
    return {
      kind: 'unreadable',
      detail:
        "Authorization header requires 'Credential' parameter of the form AKID/date/region/service/aws4_request.",
    };
  }
  const [, accessKeyId = '', date = '', region = '', service = ''] = match;
  return { kind: 'signed', scope: { accessKeyId, date, region, service } };
}
