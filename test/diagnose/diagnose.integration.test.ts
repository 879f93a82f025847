import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  ACCESS_CAUSES,
  type AccessCauseName,
  describeCause,
} from '../../src/verify/access-cause.ts';
import { runBin, runCli } from '../support/cli-harness.ts';
import { temporaryDirectory } from '../support/fixtures.ts';
import {
  CALLER,
  CLAUDE,
  LLAMA,
  MISTRAL,
  requestsOf,
  scenario,
  simulatedAws,
  TITAN,
} from './simulated-cli.ts';

interface DiagnosisJson {
  modelId: string;
  region: string;
  invokeVia: string;
  steps: Array<Record<string, unknown> & { step: string; status: string; summary: string }>;
  verdict: {
    outcome: string;
    exitCode: number;
    category: string;
    cause: string;
    basis: string;
    headline: string;
    explanation: string;
    nextStep: string | null;
    also: string[];
  };
}

async function diagnoseJson(args: string[]) {
  const result = await runCli(['diagnose', ...args, '--json']);
  return { ...result, json: JSON.parse(result.stdout) as DiagnosisJson };
}

/** The line of a step in the text output, found by its title. */
function stepLine(stdout: string, title: string): string | undefined {
  return stdout.split('\n').find((line) => line.slice(2).startsWith(title));
}

/** Converse answers `error` (a preset or an error name) for `model` in us-east-1. */
function invokeFails(model: string, error: string, message?: string): string {
  const withMessage = message === undefined ? '' : `, message: "${message}"`;
  return scenario(`grants:
  - region: us-east-1
    model: ${model}
    invoke: [{ at: 0, error: ${error}${withMessage} }]
`);
}

interface CauseCase {
  cause: AccessCauseName;
  /** What the simulator answers Converse with: a preset, or an error name with a message. */
  error: string;
  message?: string;
  model: string;
  headline: string;
  category: string;
  exitCode: number;
}

const NOT_IAM = 'This is model access, not IAM';
const IAM = 'This is IAM';
const MODEL_ID = 'The model id is the problem';
const OPEN = 'Could not tell';

const preset = (cause: AccessCauseName, headline: string, model = TITAN): CauseCase => {
  const { category } = describeCause(cause);
  return { cause, error: cause, model, headline, category, exitCode: 4 };
};

// One row per cause classifyAccessError knows; the last test checks none is missing.
const CAUSE_CASES: CauseCase[] = [
  preset('iam-policy', IAM),
  preset('scp-deny', IAM),
  preset('marketplace-permissions', NOT_IAM, CLAUDE),
  preset('subscription-processing', NOT_IAM, CLAUDE),
  preset('use-case-form', NOT_IAM, CLAUDE),
  preset('legacy-model', NOT_IAM),
  preset('end-of-life', MODEL_ID),
  preset('needs-inference-profile', MODEL_ID, CLAUDE),
  preset('invalid-model-id', MODEL_ID),
  preset('account-not-allowed', NOT_IAM),
  preset('model-access-denied', NOT_IAM),
  {
    cause: 'transient',
    error: 'ModelNotReadyException',
    model: TITAN,
    headline: OPEN,
    category: 'transient',
    exitCode: 5,
  },
  {
    cause: 'unknown',
    error: 'ValidationException',
    message: 'The requested operation is not recognized by the frobnicator.',
    model: TITAN,
    headline: OPEN,
    category: 'unknown',
    exitCode: 5,
  },
];

describe('diagnose: every cause of a failed call, end to end', () => {
  it.each(CAUSE_CASES)(
    'answers Converse $error with "$headline" ($cause) and exit $exitCode',
    async (row) => {
      const simulator = await simulatedAws(invokeFails(row.model, row.error, row.message));

      const text = await runCli(['diagnose', row.model, '--region', 'us-east-1']);
      const { json } = await diagnoseJson([row.model, '--region', 'us-east-1']);

      expect(text.code).toBe(row.exitCode);
      const verdictLine = text.stdout
        .split('\n')
        .find((line) => line.startsWith(`${row.headline}: `));
      expect(verdictLine).toBeDefined();
      if (row.cause === 'unknown') {
        expect(verdictLine).toContain(row.message);
      } else if (row.cause !== 'transient') {
        expect(verdictLine).toBe(`${row.headline}: ${describeCause(row.cause).explanation}`);
      }
      expect(text.stdout).toMatch(/^Next: \S/m);
      expect(stepLine(text.stdout, `1-token call via ${row.model}`)).toMatch(
        new RegExp(`^[✗?] 1-token call via .*: failed.* \\(${row.cause}\\): `),
      );
      expect(json.verdict).toMatchObject({
        cause: row.cause,
        category: row.category,
        exitCode: row.exitCode,
        basis: 'invocation',
        outcome: row.exitCode === 4 ? 'not-usable' : 'could-not-tell',
      });
      expect(requestsOf(simulator, 'Converse')).toBeGreaterThanOrEqual(2);
    },
  );

  it('covers every cause classifyAccessError knows', () => {
    expect(new Set(CAUSE_CASES.map((row) => row.cause))).toEqual(new Set(ACCESS_CAUSES));
  });
});

describe('diagnose against the simulator', () => {
  it('says a model is usable when the 1-token call succeeds', async () => {
    const simulator = await simulatedAws(scenario());

    const result = await runCli(['diagnose', TITAN, '--region', 'us-east-1']);

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `Diagnosing ${TITAN} in us-east-1`,
      '',
      '✓ Offered in us-east-1: yes (Titan Text Express, lifecycle ACTIVE)',
      '✓ Grant: ENABLED (agreement AVAILABLE, authorization AUTHORIZED, entitlement AVAILABLE, region AVAILABLE)',
      '- Anthropic use-case form: not needed (not an Anthropic model)',
      expect.stringMatching(
        /^✓ 1-token call via amazon\.titan-text-express-v1: succeeded in \d+ ms$/,
      ),
      '',
      expect.stringMatching(/^Usable: a 1-token call succeeded in \d+ ms\.$/),
    ]);
    expect(requestsOf(simulator, 'Converse')).toBe(1);
    expect(requestsOf(simulator, 'GetUseCaseForModelAccess')).toBe(0);
  });

  it('finds a model not offered in the region, and names the region', async () => {
    await simulatedAws(scenario());

    const result = await runCli(['diagnose', MISTRAL, '--region', 'us-east-1']);

    expect(result.code).toBe(4);
    expect(stepLine(result.stdout, 'Offered in us-east-1')).toMatch(
      /^✗ Offered in us-east-1: no \(GetFoundationModel: 404 /,
    );
    expect(stepLine(result.stdout, 'Grant')).toMatch(/^✗ Grant: NOT_OFFERED /);
    expect(result.stdout).toContain(
      `The model id is the problem: Bedrock does not offer ${MISTRAL} in us-east-1 (GetFoundationModel answered 404).`,
    );
  });

  it('shows the missing Anthropic use-case form as its own step', async () => {
    await simulatedAws(scenario('useCaseFormSubmitted: false'));

    const result = await runCli(['diagnose', CLAUDE, '--region', 'us-east-1']);

    expect(result.code).toBe(4);
    expect(stepLine(result.stdout, 'Anthropic use-case form')).toBe(
      '✗ Anthropic use-case form: not submitted for this account (GetUseCaseForModelAccess: 404)',
    );
    expect(stepLine(result.stdout, 'Grant')).toMatch(/^✓ Grant: ENABLED/);
    expect(result.stdout).toContain(`${NOT_IAM}: ${describeCause('use-case-form').explanation}`);
  });

  it('reports the form on file for an Anthropic model', async () => {
    await simulatedAws(scenario());

    const result = await runCli(['diagnose', CLAUDE, '--region', 'us-east-1']);

    expect(result.code).toBe(0);
    expect(stepLine(result.stdout, 'Anthropic use-case form')).toBe(
      '✓ Anthropic use-case form: on file',
    );
  });

  it('flags a LEGACY model in the first step and beside the verdict', async () => {
    await simulatedAws(scenario());

    const result = await runCli(['diagnose', LLAMA, '--region', 'us-east-1']);

    expect(result.code).toBe(0);
    expect(stepLine(result.stdout, 'Offered in us-east-1')).toMatch(
      /^! Offered in us-east-1: yes \(.*lifecycle LEGACY: /,
    );
    expect(result.stdout).toMatch(/^Also: meta\.llama3-8b-instruct-v1:0 is LEGACY in us-east-1: /m);
  });

  it('calls through --inference-profile and asks about the model behind it', async () => {
    const profile = `us.${CLAUDE}`;
    const simulator = await simulatedAws(
      scenario(`grants:
  - region: us-east-1
    model: ${profile}
    invoke: [{ at: 0, error: scp-deny }]
`),
    );

    const viaFlag = await diagnoseJson([
      CLAUDE,
      '--region',
      'us-east-1',
      '--inference-profile',
      profile,
    ]);
    const viaModelArgument = await diagnoseJson([profile, '--region', 'us-east-1']);

    for (const { code, json } of [viaFlag, viaModelArgument]) {
      expect(code).toBe(4);
      expect(json).toMatchObject({ modelId: CLAUDE, invokeVia: profile });
      expect(json.verdict).toMatchObject({ cause: 'scp-deny', category: 'iam', headline: IAM });
      expect(json.steps.find((step) => step.step === 'invoke')?.message).toContain(
        `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${profile}`,
      );
    }
    expect(requestsOf(simulator, 'GetFoundationModelAvailability')).toBe(2);
  });

  it('puts the grant step in the words of the verdict when the call agrees with it', async () => {
    await simulatedAws(
      scenario(`grants:
  - region: us-east-1
    model: ${TITAN}
    timeline: [{ at: 0, state: NOT_ENABLED }]
`),
    );

    const { code, json } = await diagnoseJson([TITAN, '--region', 'us-east-1']);

    expect(code).toBe(4);
    expect(json.verdict).toMatchObject({
      cause: 'model-access-denied',
      basis: 'invocation',
      explanation: `The account has no access to ${TITAN} in us-east-1 (agreement NOT_AVAILABLE, entitlement AVAILABLE).`,
      nextStep: expect.stringContaining(
        `bedrock-access-monitor request ${TITAN} --region us-east-1`,
      ),
      also: [],
    });
  });
});

describe('diagnose --no-invoke: a verdict from the grant alone, no call', () => {
  const grantCases = [
    { state: 'NOT_ENABLED', cause: 'agreement-missing', exitCode: 4, headline: NOT_IAM },
    { state: 'IN_PROGRESS', cause: 'agreement-pending', exitCode: 4, headline: NOT_IAM },
    { state: 'FAILED', cause: 'agreement-failed', exitCode: 4, headline: NOT_IAM },
    { state: 'NOT_AUTHORIZED', cause: 'account-not-allowed', exitCode: 4, headline: NOT_IAM },
    { state: 'NOT_OFFERED', cause: 'not-offered', exitCode: 4, headline: MODEL_ID },
    { state: 'ENABLED', cause: 'not-invoked', exitCode: 5, headline: OPEN },
  ];

  it.each(grantCases)('$state -> "$headline" ($cause), exit $exitCode', async (row) => {
    const simulator = await simulatedAws(
      scenario(
        `grants:
  - region: us-east-1
    model: ${TITAN}
    timeline: [{ at: 0, state: ${row.state}, message: Payment instrument declined }]
`.replace(row.state === 'FAILED' ? '' : ', message: Payment instrument declined', ''),
      ),
    );

    const text = await runCli(['diagnose', TITAN, '--region', 'us-east-1', '--no-invoke']);
    const { json } = await diagnoseJson([TITAN, '--region', 'us-east-1', '--no-invoke']);

    expect(text.code).toBe(row.exitCode);
    expect(text.stdout).toContain(`${row.headline}: `);
    expect(stepLine(text.stdout, '1-token call')).toBe('- 1-token call: skipped (--no-invoke)');
    expect(json.verdict).toMatchObject({
      cause: row.cause,
      exitCode: row.exitCode,
      basis: 'steps',
    });
    expect(requestsOf(simulator, 'Converse')).toBe(0);
  });

  it('keeps the agreement error of a FAILED grant in the verdict', async () => {
    await simulatedAws(
      scenario(`grants:
  - region: us-east-1
    model: ${TITAN}
    timeline: [{ at: 0, state: FAILED, message: Payment instrument declined }]
`),
    );

    const result = await runCli(['diagnose', TITAN, '--region', 'us-east-1', '--no-invoke']);

    expect(stepLine(result.stdout, 'Grant')).toContain('error "Payment instrument declined"');
    expect(result.stdout).toContain(
      `${NOT_IAM}: The access agreement for ${TITAN} in us-east-1 failed: Payment instrument declined.`,
    );
  });

  it('finds the missing use-case form without a call', async () => {
    const simulator = await simulatedAws(scenario('useCaseFormSubmitted: false'));

    const { code, json } = await diagnoseJson([CLAUDE, '--region', 'us-east-1', '--no-invoke']);

    expect(code).toBe(4);
    expect(json.verdict).toMatchObject({ cause: 'use-case-form', category: 'model-access' });
    expect(requestsOf(simulator, 'Converse')).toBe(0);
  });
});

describe('diagnose when a step itself fails', () => {
  const deniedGrant = scenario(`faults:
  - operations: [GetFoundationModelAvailability]
    accessDenied: {}
`);

  it('reports a denied GetFoundationModelAvailability in its step and cannot tell without a call', async () => {
    await simulatedAws(deniedGrant);

    const result = await runCli(['diagnose', TITAN, '--region', 'us-east-1', '--no-invoke']);

    expect(result.code).toBe(5);
    expect(stepLine(result.stdout, 'Grant')).toMatch(
      new RegExp(
        `^\\? Grant: could not ask \\(GetFoundationModelAvailability: AccessDeniedException: User: ${CALLER.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not authorized`,
      ),
    );
    expect(result.stdout).toMatch(
      /^Could not tell: Bedrock did not answer GetFoundationModelAvailability: /m,
    );
    expect(result.stdout).toMatch(/^Next: Allow the caller the read-only actions .*--no-invoke/m);
  });

  it('lets the call settle it when a step was denied', async () => {
    await simulatedAws(deniedGrant);

    const result = await runCli(['diagnose', TITAN, '--region', 'us-east-1']);

    expect(result.code).toBe(0);
    expect(stepLine(result.stdout, 'Grant')).toMatch(/^\? Grant: could not ask/);
    expect(result.stdout).toMatch(/^Usable: a 1-token call succeeded in \d+ ms\.$/m);
  });

  it('calls a throttled step transient', async () => {
    await simulatedAws(
      scenario(`faults:
  - operations: [GetFoundationModelAvailability]
    throttle: { share: 1 }
`),
    );

    const { code, json } = await diagnoseJson([TITAN, '--region', 'us-east-1', '--no-invoke']);

    expect(code).toBe(5);
    expect(json.verdict).toMatchObject({
      outcome: 'could-not-tell',
      category: 'transient',
      cause: 'step-failed',
    });
    expect(json.steps[1]).toMatchObject({
      step: 'grant',
      status: 'unknown',
      error: { kind: 'throttled', errorName: 'ThrottlingException' },
    });
  });
});

describe('diagnose --json', () => {
  it('prints one object with the four steps in order and the verdict', async () => {
    await simulatedAws(invokeFails(TITAN, 'iam-policy'));

    const { code, stdout, json } = await diagnoseJson([TITAN, '--region', 'us-east-1']);

    expect(code).toBe(4);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(json)).toEqual(['modelId', 'region', 'invokeVia', 'steps', 'verdict']);
    expect(json.steps.map((step) => [step.step, step.status])).toEqual([
      ['offered', 'ok'],
      ['grant', 'ok'],
      ['use-case-form', 'skipped'],
      ['invoke', 'problem'],
    ]);
    expect(json.steps[0]).toEqual({
      step: 'offered',
      status: 'ok',
      summary: 'yes (Titan Text Express, lifecycle ACTIVE)',
      offered: true,
      modelName: 'Titan Text Express',
      lifecycle: 'ACTIVE',
      notFound: null,
      error: null,
    });
    expect(json.steps[1]).toMatchObject({
      state: 'ENABLED',
      raw: {
        agreement: 'AVAILABLE',
        agreementError: null,
        authorization: 'AUTHORIZED',
        entitlement: 'AVAILABLE',
        region: 'AVAILABLE',
      },
    });
    expect(json.steps[3]).toMatchObject({
      via: TITAN,
      ran: true,
      latencyMs: null,
      cause: 'iam-policy',
      category: 'iam',
      errorName: 'AccessDeniedException',
      message: expect.stringContaining(
        'no identity-based policy allows the bedrock:InvokeModel action',
      ),
    });
    expect(json.verdict).toEqual({
      outcome: 'not-usable',
      exitCode: 4,
      category: 'iam',
      cause: 'iam-policy',
      basis: 'invocation',
      headline: IAM,
      explanation: describeCause('iam-policy').explanation,
      nextStep: describeCause('iam-policy').nextStep,
      also: [],
    });
  });
});

describe('diagnose usage', () => {
  it.each([
    { args: [TITAN], says: '--region is required' },
    { args: [TITAN, '--region', 'us-east1'], says: 'did you mean "us-east-1"?' },
    { args: [TITAN, '--region', 'cn-north-1'], says: 'not an AWS region with a Bedrock endpoint' },
    { args: ['--region', 'us-east-1'], says: 'give the model id' },
    { args: [TITAN, CLAUDE, '--region', 'us-east-1'], says: 'one model at a time' },
    { args: [TITAN, '--region', 'us-east-1', '--invoke'], says: "Unknown option '--invoke'" },
    {
      args: [`arn:aws:bedrock:us-east-1::foundation-model/${TITAN}`, '--region', 'us-east-1'],
      says: 'is an ARN',
    },
  ])('exits 2 and says "$says" for $args', async ({ args, says }) => {
    const result = await runCli(['diagnose', ...args]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(says);
    expect(result.stdout).toBe('');
  });

  it('documents the billed call and the exit codes in --help', async () => {
    const result = await runCli(['diagnose', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('billed (a fraction of a cent)');
    expect(result.stdout).toContain("accepts the provider's terms");
    expect(result.stdout).toMatch(/Exit codes: 0 usable .* 4 not usable/s);
    expect(result.stdout).toContain('5 could not tell');
  });
});

describe('diagnose without credentials', () => {
  it('says so in one line with exit 1, before any call', async () => {
    const dir = await temporaryDirectory();
    onTestFinished(() => dir.remove());
    // The real executable, with an environment that holds no credentials of any kind.
    const env = {
      PATH: process.env.PATH,
      HOME: dir.path,
      AWS_CONFIG_FILE: join(dir.path, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir.path, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      NODE_NO_WARNINGS: '1',
    };

    const result = await runBin(['diagnose', TITAN, '--region', 'us-east-1'], env);

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'No AWS credentials found. Set AWS_PROFILE (after `aws configure` or `aws sso login`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run diagnose again. To try the monitor without an AWS account: npm run demo',
    ]);
    expect(result.stdout).toBe('');
  });
});
