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
    // Mistral Large is being retired: one warning per region at its first listing (inside
    // the 7-day lead time of its higher prices), and its end of life moving in at run 9.
    const lifecycle = summaries.map((s) =>
      (s.announcements ?? []).map((e) =>
        e.kind === 'lifecycle' ? `${e.region} ${e.what} ${e.which} ${e.leadDays}` : e.kind,
      ),
    );
    expect(lifecycle[0]?.sort()).toEqual(
      ['us-east-1', 'us-west-2', 'eu-central-1']
        .map((region) => `${region} warning publicExtendedAccessTime 7`)
        .sort(),
    );
    expect(lifecycle[8]?.sort()).toEqual(
      ['us-east-1', 'us-west-2', 'eu-central-1']
        .map((region) => `${region} date-moved endOfLifeTime 30`)
        .sort(),
    );
    // Mistral Large in eu-central-1 has been in progress for over 30 minutes by run 8.
    expect(lifecycle[7]).toEqual(['stuck']);
    expect(lifecycle.flat()).toHaveLength(7);
    expect(alerts.filter((a) => a.kind === 'lifecycle')).toHaveLength(6);
    expect(alerts.filter((a) => a.kind === 'stuck').map((a) => a.modelId)).toEqual([
      'mistral.mistral-large-2402-v1:0',
    ]);
    expect(output).toContain(
      'Subject: Bedrock model lifecycle: mistral.mistral-large-2402-v1:0 in us-east-1',
    );
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
