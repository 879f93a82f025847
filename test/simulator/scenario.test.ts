import { describe, expect, it } from 'vitest';
import { BedrockAccessMonitorError } from '../../src/errors.ts';
import { deriveGrantState } from '../../src/grants/grant-state.ts';
import { GRANT_STATES } from '../../src/grants/types.ts';
import { fieldsForState } from '../../src/simulator/grant-answers.ts';
import { EXAMPLE_SCENARIO_PATH } from '../../src/simulator/index.ts';
import { loadScenario, parseScenario, ScenarioError } from '../../src/simulator/scenario.ts';

const FIXTURES = new URL('../fixtures/scenarios/', import.meta.url);
const fixture = (name: string) => new URL(name, FIXTURES).pathname;

/** The problems of an invalid scenario, one `file:line:column: path: message` per line. */
function problemsOf(text: string): string[] {
  try {
    parseScenario(text, 'bad.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).message.split('\n').slice(1);
  }
  throw new Error('expected the scenario to be refused');
}

describe('loading scenarios', () => {
  it('loads the bundled example, guessing what the catalog leaves out', async () => {
    const scenario = await loadScenario(EXAMPLE_SCENARIO_PATH);

    expect(scenario.account).toBe('123456789012');
    expect(
      scenario.catalog.find((model) => model.id === 'amazon.titan-embed-text-v2:0'),
    ).toMatchObject({
      name: 'Titan Embed Text',
      provider: 'Amazon',
      outputModalities: ['EMBEDDING'],
      lifecycle: 'ACTIVE',
    });
    expect(scenario.grants.map((grant) => `${grant.region} ${grant.modelId}`)).toContain(
      'us-east-1 anthropic.claude-3-sonnet-20240229-v1:0',
    );
  });

  it('loads every scenario fixture, JSON as well as YAML', async () => {
    const json = await loadScenario(fixture('two-regions.json'));
    const lifecycle = await loadScenario(fixture('grant-lifecycle.yml'));
    const flaky = await loadScenario(fixture('flaky-regions.yml'));

    expect(json.catalog.map((model) => model.id)).toEqual([
      'anthropic.claude-3-sonnet-20240229-v1:0',
      'amazon.titan-text-express-v1',
    ]);
    expect(lifecycle.grants[0]?.timeline).toHaveLength(7);
    expect(flaky.faults).toHaveLength(7);
  });

  it('adds models named only in grants to the catalog', () => {
    const scenario = parseScenario(
      `
account: "123456789012"
grants:
  - { region: us-east-1, model: cohere.command-r-v1:0, timeline: [{ at: 0, state: ENABLED }] }
`,
      'grants-only.yml',
    );

    expect(scenario.catalog).toEqual([
      expect.objectContaining({
        id: 'cohere.command-r-v1:0',
        provider: 'Cohere',
        name: 'Command R',
      }),
    ]);
  });

  it('maps each state shorthand to fields the monitor derives that same state from', () => {
    for (const state of GRANT_STATES) {
      const fields = fieldsForState(state);
      const raw = { ...fields, agreementError: fields.agreementError ?? null };

      expect(deriveGrantState({ raw, notFound: null })).toBe(state);
    }
  });
});

describe('refusing bad scenarios', () => {
  it('lists every problem of a file with its line, column and path', async () => {
    const error = await loadScenario(fixture('invalid.yml')).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ScenarioError);
    expect(error).toBeInstanceOf(BedrockAccessMonitorError);
    const file = fixture('invalid.yml');
    expect((error as ScenarioError).message).toBe(
      [
        `Invalid scenario ${file}:`,
        `${file}:3:10: account: must be a quoted 12-digit string, e.g. "123456789012"`,
        `${file}:11:9: grants[0].timeline[1]: give exactly one of state, raw or notFound (found state and raw)`,
        `${file}:14:24: faults[0].throttle.share: Too big: expected number to be <=1`,
      ].join('\n'),
    );
    expect((error as ScenarioError).issues[0]).toEqual({
      path: 'account',
      line: 3,
      column: 10,
      message: 'must be a quoted 12-digit string, e.g. "123456789012"',
    });
  });

  it('refuses timeline entries out of order, since a later one could never be in force', () => {
    expect(
      problemsOf(`
account: "123456789012"
grants:
  - region: us-east-1
    model: anthropic.claude-v2
    timeline:
      - { at: 5, state: ENABLED }
      - { at: 3, state: IN_PROGRESS }
`),
    ).toEqual([
      'bad.yml:8:15: grants[0].timeline[1].at: at values must increase down the timeline (3 after 5)',
    ]);
  });

  it('refuses unknown keys, a moment given twice and a fault without effect', () => {
    expect(
      problemsOf(`
account: "123456789012"
grants:
  - region: us-east-1
    model: anthropic.claude-v2
    timeline:
      - { at: 0, afterSeconds: 2, stat: ENABLED }
faults:
  - region: us-east-1
`),
    ).toEqual([
      'bad.yml:7:9: grants[0].timeline[0]: Unrecognized key: "stat"',
      'bad.yml:7:9: grants[0].timeline[0]: give exactly one of at (ticks) or afterSeconds',
      'bad.yml:7:9: grants[0].timeline[0]: give exactly one of state, raw or notFound (found none)',
      'bad.yml:9:5: faults[0]: give at least one of latencyMs, throttle, serverError, malformed, accessDenied',
    ]);
  });

  it('refuses a misspelt state, region or fault model', () => {
    expect(
      problemsOf(`
account: "123456789012"
default: ENABELD
faults:
  - region: US East
    models: [anthropic.claude-v9]
    latencyMs: 10
`),
    ).toEqual([
      'bad.yml:3:10: default.state: Invalid option: expected one of "NOT_OFFERED"|"NOT_AUTHORIZED"|"FAILED"|"IN_PROGRESS"|"NOT_ENABLED"|"ENABLED"',
      'bad.yml:5:13: faults[0].region: expected an AWS region such as us-east-1',
    ]);
    expect(
      problemsOf(`
account: "123456789012"
faults:
  - { models: [anthropic.claude-v9], latencyMs: 10 }
`),
    ).toEqual([
      'bad.yml:4:16: faults[0].models[0]: anthropic.claude-v9 is neither in the catalog nor in grants',
    ]);
  });

  it('refuses YAML syntax errors, empty files and unreadable files', async () => {
    expect(problemsOf('account: "123456789012"\ncatalog:\n  - id: [unclosed\n')).toEqual([
      'bad.yml:4:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(problemsOf('')).toEqual([
      'bad.yml: the scenario is empty; it needs at least `account: "123456789012"`',
    ]);
    await expect(loadScenario(fixture('no-such-file.yml'))).rejects.toThrow(
      /no-such-file\.yml: ENOENT: no such file or directory/,
    );
  });
});
