import { describe, expect, it } from 'vitest';
import { EXAMPLE_SCENARIO_PATH } from '../../src/simulator/index.ts';
import { loadScenario, parseScenario, ScenarioError } from '../../src/simulator/scenario.ts';

const SONNET = 'anthropic.claude-3-5-sonnet-20240620-v1:0';

function problemsOf(text: string): string[] {
  try {
    parseScenario(text, 'bad.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).message.split('\n').slice(1);
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenario keys for Converse, agreements and the use-case form', () => {
  it('reads invoke timelines, agreement plans and the account settings', () => {
    const scenario = parseScenario(
      `
account: "123456789012"
useCaseFormSubmitted: false
agreementDelayTicks: 3
grants:
  - region: us-east-1
    model: us.${SONNET}
    invoke:
      - { at: 0, error: use-case-form }
      - { afterSeconds: 5, error: ThrottlingException, message: Slow down }
      - { at: 2, result: ok }
  - region: us-west-2
    model: ${SONNET}
    agreement: { delaySeconds: 10, outcome: FAILED, message: Payment instrument declined }
`,
      'keys.yml',
    );

    expect(scenario.useCaseFormSubmitted).toBe(false);
    expect(scenario.agreement).toEqual({
      delay: { ticks: 3 },
      outcome: 'ENABLED',
      message: undefined,
    });
    expect(scenario.grants[0]?.invoke).toEqual([
      { at: 0, answer: { kind: 'preset', preset: 'use-case-form' } },
      {
        afterSeconds: 5,
        answer: { kind: 'error', name: 'ThrottlingException', message: 'Slow down' },
      },
      { at: 2, answer: { kind: 'ok' } },
    ]);
    expect(scenario.grants[1]?.agreement).toEqual({
      delay: { seconds: 10 },
      outcome: 'FAILED',
      message: 'Payment instrument declined',
    });
  });

  it('defaults to a use-case form on file and agreements that settle after 2 seconds', () => {
    const scenario = parseScenario('account: "123456789012"', 'defaults.yml');

    expect(scenario.useCaseFormSubmitted).toBe(true);
    expect(scenario.agreement.delay).toEqual({ seconds: 2 });
  });

  it('keeps inference profile ids out of the catalog but adds their models when named', () => {
    const scenario = parseScenario(
      `
account: "123456789012"
grants:
  - { region: us-east-1, model: us.${SONNET}, invoke: [{ at: 0, result: ok }] }
  - { region: us-east-1, model: ${SONNET}, invoke: [{ at: 0, result: ok }] }
`,
      'profiles.yml',
    );

    expect(scenario.catalog.map((model) => model.id)).toEqual([SONNET]);
  });

  it('documents every new key in the bundled example, which loads', async () => {
    const scenario = await loadScenario(EXAMPLE_SCENARIO_PATH);

    expect(scenario.grants.some((grant) => grant.invoke.length > 0)).toBe(true);
    expect(scenario.grants.some((grant) => grant.agreement !== undefined)).toBe(true);
  });

  it('refuses a preset with a message, an entry with both result and error, and an unknown error', () => {
    expect(
      problemsOf(`
account: "123456789012"
grants:
  - region: us-east-1
    model: ${SONNET}
    invoke:
      - { at: 0, error: use-case-form, message: Mine }
      - { at: 1, result: ok, error: ThrottlingException }
      - { at: 2, error: AccessDenied }
      - { at: 3 }
`),
    ).toEqual([
      'bad.yml:7:49: grants[0].invoke[0].message: use-case-form is a preset with its own message; give an error name (e.g. AccessDeniedException) to write your own',
      'bad.yml:8:9: grants[0].invoke[1]: give exactly one of result or error',
      expect.stringMatching(
        /^bad\.yml:9:25: grants\[0\]\.invoke\[2\]\.error: Invalid option: expected one of "AccessDeniedException"\|.*\|"model-access-denied"$/,
      ),
      'bad.yml:10:9: grants[0].invoke[3]: give exactly one of result or error',
    ]);
  });

  it('refuses two delays at once and a grant that scripts nothing', () => {
    expect(
      problemsOf(`
account: "123456789012"
agreementDelaySeconds: 2
agreementDelayTicks: 1
grants:
  - region: us-east-1
    model: ${SONNET}
    agreement: { delaySeconds: 1, delayTicks: 1 }
  - region: us-west-2
    model: ${SONNET}
`),
    ).toEqual([
      'bad.yml:8:16: grants[0].agreement: give either delaySeconds or delayTicks, not both',
      'bad.yml:9:5: grants[1]: give at least one of timeline, invoke, agreement',
      'bad.yml:2:1: give either agreementDelaySeconds or agreementDelayTicks, not both',
    ]);
  });

  it('refuses invoke entries out of order', () => {
    expect(
      problemsOf(`
account: "123456789012"
grants:
  - region: us-east-1
    model: ${SONNET}
    invoke:
      - { at: 4, result: ok }
      - { at: 1, error: end-of-life }
`),
    ).toEqual([
      'bad.yml:8:15: grants[0].invoke[1].at: at values must increase down the timeline (1 after 4)',
    ]);
  });
});
