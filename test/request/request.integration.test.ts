import { describe, expect, it } from 'vitest';
import { createRequestCommand } from '../../src/cli/commands/request.ts';
import {
  capturedIo,
  requestsOf,
  scenario,
  simulatedAws,
  TITAN,
} from '../diagnose/simulated-cli.ts';
import { manualClock } from '../simulator/sim-harness.ts';
import { runCli } from '../support/cli-harness.ts';

const QUESTION = `Request access to ${TITAN} in us-east-1? This accepts the provider's terms. [y/N] `;

/** Titan in us-east-1 starts NOT_ENABLED; `extra` adds the agreement plan and more. */
function notEnabledTitan(extra = '', agreement = ''): string {
  return scenario(`${extra}
grants:
  - region: us-east-1
    model: ${TITAN}
    timeline: [{ at: 0, state: NOT_ENABLED }]
${agreement}`);
}

/**
 * `request` on a manual clock shared with the simulator: each sleep moves both at once, so the
 * agreement's scripted delay passes without real waiting.
 */
async function requestOnManualClock(
  scenarioYaml: string,
  args: string[],
  terminal: { answer?: string } = {},
) {
  const clock = manualClock();
  const simulator = await simulatedAws(scenarioYaml, clock.now);
  const questions: string[] = [];
  const written: string[] = [];
  const command = createRequestCommand({
    now: clock.now,
    sleep: async (ms) => clock.advanceSeconds(ms / 1000),
    ask: async (question) => {
      questions.push(question);
      return terminal.answer ?? '';
    },
    write: (text) => written.push(text),
  });
  const io = capturedIo(terminal.answer !== undefined);
  const code = await command([TITAN, '--region', 'us-east-1', ...args], io);
  return {
    code,
    simulator,
    questions,
    live: written.join(''),
    stdout: io.stdout,
    stderr: io.stderr,
    /** The progress lines: those that start with the elapsed time. */
    progress: io.stdout.filter((line) => line.startsWith('[')),
  };
}

describe('request against the simulator', () => {
  it('goes from NOT_ENABLED to ENABLED with --yes, printing each state as it changes', async () => {
    const run = await requestOnManualClock(notEnabledTitan('agreementDelaySeconds: 10'), [
      '--yes',
      '--interval',
      '2',
    ]);

    expect(run.code).toBe(0);
    expect(run.stdout[0]).toBe(`${TITAN} in us-east-1: NOT_ENABLED (agreement NOT_AVAILABLE)`);
    expect(run.stdout.join('\n')).toContain(
      '  Legal terms: https://aws.amazon.com/legal/bedrock/third-party-models/',
    );
    expect(run.stdout).toContain("Accepting the provider's terms (--yes).");
    expect(run.progress).toEqual(['[0:00] IN_PROGRESS (agreement PENDING)', '[0:10] ENABLED']);
    expect(run.stdout.at(-1)).toMatch(
      new RegExp(
        `^Access to ${TITAN.replace(/\./g, '\\.')} in us-east-1 is ENABLED \\(after 0:10\\)\\.`,
      ),
    );
    expect(requestsOf(run.simulator, 'CreateFoundationModelAgreement')).toBe(1);
    // The first look, then one every 2 s from 0:00 to 0:10.
    expect(requestsOf(run.simulator, 'GetFoundationModelAvailability')).toBe(7);
    expect(run.questions).toEqual([]);
  });

  it('refuses without --yes when not on a terminal, and creates nothing', async () => {
    const simulator = await simulatedAws(notEnabledTitan());

    const result = await runCli(['request', TITAN, '--region', 'us-east-1']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `Not requesting access to ${TITAN} in us-east-1: a request accepts the provider's terms, and there is no terminal to ask.`,
    );
    expect(result.stderr).toContain('--yes');
    expect(requestsOf(simulator, 'CreateFoundationModelAgreement')).toBe(0);
    const after = await runCli(['diagnose', TITAN, '--region', 'us-east-1', '--no-invoke']);
    expect(after.stdout).toContain('✗ Grant: NOT_ENABLED');
  });

  it('asks on a terminal, requests on "y" and rewrites one progress line', async () => {
    const run = await requestOnManualClock(
      notEnabledTitan('agreementDelaySeconds: 3'),
      ['--interval', '1'],
      { answer: 'y' },
    );

    expect(run.code).toBe(0);
    expect(run.questions).toEqual([QUESTION]);
    expect(requestsOf(run.simulator, 'CreateFoundationModelAgreement')).toBe(1);
    expect(run.progress).toEqual([]);
    expect(run.live.split('\r').filter(Boolean)).toEqual([
      '[0:00] IN_PROGRESS (agreement PENDING)\x1b[K',
      '[0:01] IN_PROGRESS (agreement PENDING)\x1b[K',
      '[0:02] IN_PROGRESS (agreement PENDING)\x1b[K',
      '[0:03] IN_PROGRESS (agreement PENDING)\x1b[K',
      '[0:03] ENABLED\x1b[K\n',
    ]);
  });

  it('requests nothing when the answer is not yes', async () => {
    const run = await requestOnManualClock(notEnabledTitan(), [], { answer: '' });

    expect(run.code).toBe(1);
    expect(run.questions).toEqual([QUESTION]);
    expect(run.stdout.at(-1)).toBe('Nothing requested.');
    expect(requestsOf(run.simulator, 'CreateFoundationModelAgreement')).toBe(0);
  });

  it('says so and asks nothing when access is already ENABLED', async () => {
    const run = await requestOnManualClock(scenario(), [], { answer: 'y' });

    expect(run.code).toBe(0);
    expect(run.stdout).toEqual([
      `${TITAN} in us-east-1: ENABLED`,
      'Access is already ENABLED: nothing to request.',
    ]);
    expect(run.questions).toEqual([]);
    expect(requestsOf(run.simulator, 'ListFoundationModelAgreementOffers')).toBe(0);
    expect(requestsOf(run.simulator, 'CreateFoundationModelAgreement')).toBe(0);
  });

  it("exits 4 with the agreement's error when it FAILS", async () => {
    const run = await requestOnManualClock(
      notEnabledTitan(
        '',
        '    agreement: { delaySeconds: 4, outcome: FAILED, message: Payment instrument declined }',
      ),
      ['--yes', '--interval', '2'],
    );

    expect(run.code).toBe(4);
    expect(run.progress).toEqual([
      '[0:00] IN_PROGRESS (agreement PENDING)',
      '[0:04] FAILED (agreement ERROR: Payment instrument declined)',
    ]);
    expect(run.stdout.at(-1)).toMatch(/^The request failed: Payment instrument declined\. /);
  });

  it('gives up at the timeout with exit 5, after one last look', async () => {
    const run = await requestOnManualClock(notEnabledTitan('agreementDelaySeconds: 600'), [
      '--yes',
      '--timeout',
      '30',
      '--interval',
      '10',
    ]);

    expect(run.code).toBe(5);
    expect(run.progress).toEqual(['[0:00] IN_PROGRESS (agreement PENDING)']);
    expect(run.stdout.at(-1)).toMatch(/^Still IN_PROGRESS after 0:30: stopped watching\. /);
    // The first look, then 0:00, 0:10, 0:20 and the last at 0:30.
    expect(requestsOf(run.simulator, 'GetFoundationModelAvailability')).toBe(5);
  });

  it('only watches an access request already in progress', async () => {
    const run = await requestOnManualClock(
      scenario(`grants:
  - region: us-east-1
    model: ${TITAN}
    timeline: [{ at: 0, state: IN_PROGRESS }, { afterSeconds: 6, state: ENABLED }]
`),
      ['--interval', '3'],
    );

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'Access was already requested and is being processed: watching it (nothing new is requested).',
    );
    expect(run.progress).toEqual(['[0:00] IN_PROGRESS (agreement PENDING)', '[0:06] ENABLED']);
    expect(requestsOf(run.simulator, 'ListFoundationModelAgreementOffers')).toBe(0);
    expect(requestsOf(run.simulator, 'CreateFoundationModelAgreement')).toBe(0);
  });

  it('refuses a model the region does not offer, with exit 4', async () => {
    const run = await requestOnManualClock(
      scenario(`grants:
  - region: us-east-1
    model: ${TITAN}
    timeline: [{ at: 0, state: NOT_OFFERED }]
`),
      ['--yes'],
    );

    expect(run.code).toBe(4);
    expect(run.stdout.at(-1)).toMatch(
      /is not offered in us-east-1: access cannot be requested there/,
    );
    expect(requestsOf(run.simulator, 'CreateFoundationModelAgreement')).toBe(0);
  });
});

describe('request usage', () => {
  it.each([
    { args: [TITAN], says: '--region is required' },
    {
      args: [TITAN, '--region', 'us-east-1', '--timeout', '0'],
      says: '--timeout must be a whole number',
    },
    {
      args: [TITAN, '--region', 'us-east-1', '--interval', 'often'],
      says: '--interval must be a whole number',
    },
    { args: [TITAN, '--region', 'mars-1'], says: 'not an AWS region with a Bedrock endpoint' },
  ])('exits 2 and says "$says" for $args', async ({ args, says }) => {
    const result = await runCli(['request', ...args]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(says);
  });

  it('explains --yes and the exit codes in --help', async () => {
    const result = await runCli(['request', '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain("accept the provider's terms without asking");
    expect(result.stdout).toMatch(/Exit codes: 0 ENABLED.*4 not granted.*5 the timeout/s);
  });
});
