import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWatchedModels } from '../../src/config/load-config.ts';

const BASE = 'regions: [us-east-1]\nmodels: [{ id: amazon.nova-pro-v1:0 }]\n';

function problemsOf(accounts: string) {
  const result = parseWatchedModels(`${BASE}accounts:\n${accounts}`, 'test.yml');
  return result.ok
    ? []
    : result.problems.map(({ line, column, path, message }) => ({
        line,
        column,
        path,
        message,
      }));
}

describe('accounts (organization mode)', () => {
  it('is absent by default: one account, as before', () => {
    const result = parseWatchedModels(BASE, 'test.yml');

    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.config.accounts).toBeUndefined();
  });

  it('takes a fixed list of ids with a role name and an external id', () => {
    const result = parseWatchedModels(
      `${BASE}accounts:\n  roleName: bedrock-access-monitor-read\n  externalId: shared-secret-1\n  ids: ["011111111111", "222222222222"]\n`,
      'test.yml',
    );

    expect(result.ok && result.config.accounts).toEqual({
      roleName: 'bedrock-access-monitor-read',
      externalId: 'shared-secret-1',
      ids: ['011111111111', '222222222222'],
    });
  });

  it('takes the organization, with roots and OUs to include and accounts to exclude', () => {
    const result = parseWatchedModels(
      `${BASE}accounts:\n  roleName: r\n  organization:\n    include: [r-abcd, ou-abcd-11111111]\n    exclude: ["333333333333"]\n`,
      'test.yml',
    );

    expect(result.ok && result.config.accounts?.organization).toEqual({
      include: ['r-abcd', 'ou-abcd-11111111'],
      exclude: ['333333333333'],
    });
  });

  it('refuses an unquoted account id at its line and column, saying why quotes matter', () => {
    expect(problemsOf('  roleName: r\n  ids: [11111111111]\n')).toEqual([
      {
        line: 5,
        column: 9,
        path: 'accounts.ids[0]',
        message: expect.stringContaining('quoted string of 12 digits'),
      },
    ]);
  });

  it('refuses both ids and organization, and neither, at the accounts key', () => {
    const both = problemsOf('  roleName: r\n  ids: ["111111111111"]\n  organization: {}\n');
    const neither = problemsOf('  roleName: r\n');

    expect(both).toEqual([
      { line: 4, column: 3, path: 'accounts', message: expect.stringContaining('keep one') },
    ]);
    expect(neither).toEqual([
      {
        line: 4,
        column: 3,
        path: 'accounts',
        message: expect.stringContaining('names no accounts'),
      },
    ]);
  });

  it('reports a missing role name and a second list together', () => {
    const problems = problemsOf('  ids: ["111111111111"]\n  organization: {}\n');

    expect(problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining('no "roleName"'),
      expect.stringContaining('keep one'),
    ]);
  });

  it('refuses a bad role name, external id, include id, duplicate and unknown key, each at its place', () => {
    const problems = problemsOf(
      '  roleName: "role/with-path"\n  externalId: x\n  organization:\n    include: [ou-abcd-1234, r-abcd, r-abcd]\n    exlude: []\n',
    );

    expect(problems.map(({ line, path }) => ({ line, path }))).toEqual([
      { line: 4, path: 'accounts.roleName' },
      { line: 5, path: 'accounts.externalId' },
      { line: 7, path: 'accounts.organization.include[0]' },
      { line: 7, path: 'accounts.organization.include[2]' },
      { line: 8, path: 'accounts.organization.exlude' },
    ]);
  });

  it('accepts every id of the real patterns and refuses every id outside them', () => {
    const digits = (min: number, max: number) =>
      fc.stringMatching(new RegExp(`^[0-9a-z]{${min},${max}}$`));
    const root = digits(4, 32).map((tail) => `r-${tail}`);
    const ou = fc.tuple(digits(4, 32), digits(8, 32)).map(([root, tail]) => `ou-${root}-${tail}`);
    const account = fc.stringMatching(/^\d{12}$/);

    fc.assert(
      fc.property(fc.oneof(root, ou), account, (parent, id) => {
        expect(
          problemsOf(
            `  roleName: r\n  organization:\n    include: ["${parent}"]\n    exclude: ["${id}"]\n`,
          ),
        ).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }).filter((id) => !/^\d{12}$/.test(id)),
        (id) => {
          const problems = problemsOf(`  roleName: r\n  ids: [${JSON.stringify(id)}]\n`);
          expect(problems).toEqual([expect.objectContaining({ line: 5, path: 'accounts.ids[0]' })]);
        },
      ),
    );
  });
});
