import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.ts';
import { isTransitionEvent } from '../../src/events/announced-event.ts';

describe('the demo', () => {
  it('tells the whole story: ready, a confirmed revocation, a failure, NOT_OFFERED, and throttling without a false alert', async () => {
    const lines: string[] = [];

    const { summaries, alerts } = await runDemo({
      io: { out: (t) => lines.push(t), err: (t) => lines.push(t), interactive: false },
      runs: 12,
    });

    const output = lines.join('\n');
    expect(alerts.filter(isTransitionEvent).map((a) => [a.kind, a.region, a.from, a.to])).toEqual([
      ['ready', 'us-east-1', 'IN_PROGRESS', 'ENABLED'],
      ['revoked', 'us-west-2', 'ENABLED', 'NOT_ENABLED'],
      ['failed', 'eu-central-1', 'IN_PROGRESS', 'FAILED'],
    ]);
    // NOT_ENABLED -> IN_PROGRESS is recorded, but not published by default.
    expect(summaries.flatMap((s) => s.transitions).map((t) => t.kind)).toEqual([
      'requested',
      'ready',
      'revoked',
      'failed',
    ]);
    // Runs 3-5: the region throttles, retries absorb it.
    expect(summaries.slice(2, 5).map((s) => s.states.UNKNOWN)).toEqual([0, 0, 0]);
    expect(output).toMatch(/\d+ requests? throttled; the SDK's retries absorbed them/);
    // Runs 6-7: the region fails outright; its pairs are UNKNOWN and nothing is announced for it.
    expect(summaries.slice(5, 7).map((s) => s.states.UNKNOWN)).toEqual([3, 3]);
    expect(
      summaries
        .flatMap((s) => s.transitions)
        .filter((t) => t.region === 'eu-central-1')
        .map((t) => t.kind),
    ).toEqual(['failed']);
    // Run 4: one odd answer is not a revocation.
    expect(summaries[3]?.transitions).toEqual([]);
    expect(output).toMatch(/eu-central-1\s+amazon\.titan-text-express-v1\s+NOT_OFFERED/);
    expect(output).toContain(
      'Subject: Bedrock access ready: anthropic.claude-sonnet-4-5-20250929-v1:0 in us-east-1',
    );
  });
});
