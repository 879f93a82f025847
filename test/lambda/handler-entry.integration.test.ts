import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../support/lambda-context.ts';
import { LambdaTestBed } from '../support/lambda-test-bed.ts';

const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('handlers/monitor.ts, with the real Powertools logger and metrics', () => {
  let bed: LambdaTestBed | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await bed?.close();
  });

  it('logs one structured line per transition and per run, and emits as EMF the metrics of a run where something happened', async () => {
    bed = await LambdaTestBed.start(
      `account: "123456789012"\ncatalog: [{ id: ${CLAUDE} }]\ngrants:\n  - region: us-east-1\n    model: ${CLAUDE}\n    timeline: [{ at: 0, state: IN_PROGRESS }, { at: 1, state: ENABLED }]\n`,
      `regions: [us-east-1]\nmodels:\n  - id: ${CLAUDE}\n`,
    );
    const written: string[] = [];
    const warnings: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      warnings.push(String(chunk));
      return true;
    });
    const { handler } = await import('../../handlers/monitor.ts');
    await handler({}, lambdaContext());
    bed.simulator.setTick(1);
    const summary = await handler({}, lambdaContext());
    if (!('transitions' in summary)) throw new Error('expected a monitoring run, not a plan');

    const lines = written
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    expect(summary.transitions.map((t) => t.kind)).toEqual(['ready']);
    expect(lines.filter((l) => l.message === 'Grant state changed')).toEqual([
      expect.objectContaining({
        level: 'INFO',
        service: 'bedrock-access-monitor-test',
        kind: 'ready',
        modelId: CLAUDE,
        region: 'us-east-1',
        to: 'ENABLED',
      }),
    ]);
    expect(lines.filter((l) => l.message === 'Run summary')).toHaveLength(2);
    const emf = lines.filter((l) => l._aws !== undefined);
    // The first run saw no change: no metric at all, and no warning about that either.
    expect(emf).toHaveLength(1);
    expect([...written, ...warnings].join('')).not.toMatch(/No application metrics/);
    const metricNames = (line: {
      _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] };
    }) => line._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((m) => m.Name));
    // The second run made a transition and published it.
    expect(metricNames(emf[0]).sort()).toEqual(['Notifications', 'Transitions']);
    expect(emf[0]).toMatchObject({
      service: 'bedrock-access-monitor-test',
      Transitions: 1,
      Notifications: 1,
    });
    expect(emf[0]).not.toHaveProperty('CheckFailures');
    expect(emf[0]).not.toHaveProperty('Checks');
    expect(emf[0]._aws.CloudWatchMetrics[0].Namespace).toBe('BedrockAccessMonitor');
  });
});
