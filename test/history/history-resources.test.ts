import { describe, expect, it } from 'vitest';
import {
  historyResources,
  loadHistoryQueries,
  QUERIES_FILE,
  queryLogicalId,
} from '../support/history-resources.ts';

const QUERY = { id: 'one', name: 'One question', question: 'What?', query: 'fields a' };
const yamlOf = (queries: unknown[]) => JSON.stringify({ queries });
const problemsOf = (text: string): string => {
  try {
    loadHistoryQueries(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('serverless/history-queries.yml, as the stack reads it', () => {
  it('gives each query an id, a name, a question and its Logs Insights text', () => {
    const queries = loadHistoryQueries();

    expect(queries.map((query) => query.id)).toEqual([
      'currentstate',
      'granthistory',
      'requests',
      'revocations',
      'failingchecks',
    ]);
    expect(new Set(queries.map(queryLogicalId)).size).toBe(queries.length);
  });

  it('refuses a file it cannot use, naming the file and every problem at once', () => {
    const message = problemsOf(
      yamlOf([
        { ...QUERY, id: 'Bad-Id' },
        { ...QUERY, query: '' },
        { ...QUERY, extra: 1 },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the text the check refuses
        { ...QUERY, id: 'two', query: 'fields ${x}' },
      ]),
    );

    expect(message).toContain(QUERIES_FILE);
    expect(message).toContain('queries[0].id must be lower-case letters');
    expect(message).toContain('queries[1].query must be a non-empty string');
    expect(message).toContain('queries[2].id "one" is used twice');
    expect(message).toContain('queries[2] has unknown keys: extra');
    expect(message).toContain('queries[3].query must not contain "${"');
    expect(problemsOf('queries: [')).toContain(QUERIES_FILE);
    expect(problemsOf('other: 1')).toContain('`queries` must be a list with at least one query');
  });

  it('makes one QueryDefinition per query, and the dashboard only when asked', () => {
    const options = { service: 'svc', stage: 'prod', periodSeconds: 600 };

    const withDashboard = historyResources({ ...options, dashboard: true });
    const without = historyResources({ ...options, dashboard: false });

    expect(Object.keys(without.Resources)).toEqual(loadHistoryQueries().map(queryLogicalId));
    expect(Object.keys(withDashboard.Resources)).toEqual([
      ...Object.keys(without.Resources),
      'MonitorDashboard',
    ]);
    expect(without.Resources.GrantHistoryQuery?.Properties.Name).toBe('svc/prod/Grant history');
  });
});
