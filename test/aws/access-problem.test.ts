import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AccessProblemKind, findAccessProblem } from '../../src/aws/access-problem.ts';
import { explainAccessProblem } from '../../src/aws/explain-access-problem.ts';
import type { CredentialSource } from '../../src/config/aws-credential-source.ts';
import { AwsAccessError } from '../../src/errors.ts';

/** The plain model: what each error on its own says about access, by name or Node code. */
const KIND_BY_NAME: Record<string, AccessProblemKind> = {
  ExpiredToken: 'expired',
  ExpiredTokenException: 'expired',
  InvalidClientTokenId: 'invalid',
  UnrecognizedClientException: 'invalid',
  SignatureDoesNotMatch: 'invalid',
};
const NETWORK_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'];

interface ErrorSpec {
  name: string;
  message: string;
  code: string | undefined;
}

function expectedKind(spec: ErrorSpec): AccessProblemKind | undefined {
  if (spec.name === 'CredentialsProviderError') {
    return spec.message.startsWith('Could not load credentials from any providers')
      ? 'no-credentials'
      : 'provider-failed';
  }
  if (KIND_BY_NAME[spec.name] !== undefined) return KIND_BY_NAME[spec.name];
  if (spec.code !== undefined && NETWORK_CODES.includes(spec.code)) return 'unreachable';
  return undefined;
}

const errorSpec = fc.record({
  name: fc.constantFrom(
    ...Object.keys(KIND_BY_NAME),
    'CredentialsProviderError',
    'ThrottlingException',
    'AccessDeniedException',
    'StateStoreError',
    'TypeError',
    'Error',
  ),
  message: fc.oneof(
    fc.constant('Could not load credentials from any providers'),
    fc.constant("The SSO session token was not found. Run 'aws sso login'."),
    fc.string(),
  ),
  code: fc.option(fc.constantFrom(...NETWORK_CODES, 'ENOENT', 'EACCES'), { nil: undefined }),
});

/** Builds the chain: the first spec is the error thrown, each next one its cause. */
function chain(specs: readonly ErrorSpec[]): Error {
  let cause: Error | undefined;
  for (const spec of [...specs].reverse()) {
    const error: Error & { code?: string } = new Error(spec.message, { cause });
    error.name = spec.name;
    if (spec.code !== undefined) error.code = spec.code;
    cause = error;
  }
  return cause as Error;
}

const source = (change: Partial<CredentialSource> = {}): CredentialSource => ({
  profile: undefined,
  accessKeyInEnvironment: false,
  profiles: ['default'],
  configFile: '/home/me/.aws/config',
  credentialsFile: '/home/me/.aws/credentials',
  endpointOverrides: [],
  ...change,
});

describe('findAccessProblem', () => {
  it('finds the first error in the chain of causes that says AWS could not be asked', () => {
    fc.assert(
      fc.property(fc.array(errorSpec, { minLength: 1, maxLength: 4 }), (specs) => {
        const first = specs.map(expectedKind).find((kind) => kind !== undefined);

        expect(findAccessProblem(chain(specs))?.kind).toBe(first);
      }),
    );
  });

  it('reads the problem an AwsAccessError carries, and stops at a cycle of causes', () => {
    const carried = new AwsAccessError({ kind: 'expired', reason: 'ExpiredTokenException: gone' });
    const cyclic = new Error('outer');
    cyclic.cause = new Error('inner', { cause: cyclic });

    expect(findAccessProblem(new Error('wrapped', { cause: carried }))).toEqual({
      kind: 'expired',
      reason: 'ExpiredTokenException: gone',
    });
    expect(findAccessProblem(cyclic)).toBeUndefined();
    expect(findAccessProblem('a string')).toBeUndefined();
  });
});

describe('explainAccessProblem', () => {
  const kinds: AccessProblemKind[] = [
    'no-credentials',
    'provider-failed',
    'expired',
    'invalid',
    'unreachable',
  ];

  it('is one line that names the profile (but for a network problem) and keeps the reason', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.string(),
        fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/),
        fc.boolean(),
        (kind, reason, profile, profileExists) => {
          const text = explainAccessProblem(
            { kind, reason },
            source({ profile, profiles: profileExists ? [profile] : ['default'] }),
            'status',
          );

          expect(text).not.toMatch(/[\r\n]/);
          if (kind !== 'unreachable') expect(text).toContain(`"${profile}"`);
          expect(text).toMatch(/run status again\.$|npm run demo$/);
          if (kind !== 'no-credentials' || profileExists) {
            expect(text).toContain(reason.replace(/\s+/g, ' ').trim());
          }
        },
      ),
    );
  });

  it('without a profile, says which credentials were used or that none were found', () => {
    const expired = { kind: 'expired', reason: 'ExpiredToken: old' } as const;

    expect(
      explainAccessProblem(expired, source({ accessKeyInEnvironment: true }), 'check'),
    ).toMatch(/^The credentials of the access key in AWS_ACCESS_KEY_ID have expired/);
    expect(explainAccessProblem(expired, source(), 'check')).toMatch(
      /^The credentials of AWS profile "default" have expired/,
    );
    expect(
      explainAccessProblem(
        { kind: 'no-credentials', reason: 'x' },
        source({ profiles: [] }),
        'check',
      ),
    ).toMatch(/^No AWS credentials found\..*npm run demo$/);
  });
});
