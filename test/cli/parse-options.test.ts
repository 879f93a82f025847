import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIntegerOption, parseOptions } from '../../src/cli/parse-options.ts';

/** What the command line makes of `args`: the deadline, or the message a user reads. */
function deadlineFrom(args: string[]): string {
  try {
    const { values } = parseOptions('check', args, {
      deadline: { type: 'string' },
      json: { type: 'boolean' },
    });
    return String(parseIntegerOption('deadline', values.deadline, 60, 1, 900));
  } catch (error) {
    return (error as Error).message;
  }
}

describe('parseOptions', () => {
  it('reads "--flag -N" exactly as "--flag=-N", for any number and any place on the line', () => {
    const number = fc.oneof(
      fc.integer({ min: -10_000, max: 10_000 }).map(String),
      fc.double({ min: -1000, max: 1000, noNaN: true }).map(String),
    );
    fc.assert(
      fc.property(number, fc.boolean(), (value, jsonFirst) => {
        const before = jsonFirst ? ['--json'] : [];
        const after = jsonFirst ? [] : ['--json'];

        const spaced = deadlineFrom([...before, '--deadline', value, ...after]);
        const joined = deadlineFrom([...before, `--deadline=${value}`, ...after]);

        expect(spaced).toBe(joined);
      }),
    );
  });

  it('still refuses a missing value and leaves a boolean flag and "--" alone', () => {
    expect(deadlineFrom(['--deadline'])).toMatch(
      /^check: Option '--deadline <value>' argument missing/,
    );
    expect(deadlineFrom(['--json', '-5'])).toMatch(/^check: Unknown option '-5'/);
    expect(deadlineFrom(['--', '--deadline', '-5'])).toMatch(
      /^check: Unexpected argument '--deadline'/,
    );
  });
});
