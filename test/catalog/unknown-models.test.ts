import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideConfigEvents } from '../../src/catalog/config-event.ts';
import { findUnknownModels } from '../../src/catalog/unknown-models.ts';

const TYPO = 'anthropic.claude-sonet-4-5-20250929-v1:0';
const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const TITAN = 'amazon.titan-text-express-v1';
const NOW = new Date(Date.UTC(2026, 10, 24, 9, 5, 11, 734));
const CONTEXT = { account: '123456789012', regions: ['us-east-1', 'us-west-2'], now: NOW };

describe('findUnknownModels', () => {
  it('finds an id that no region lists, with the closest real ids', () => {
    const found = findUnknownModels(
      [TYPO, TITAN],
      [
        { ok: true, listedIds: [SONNET] },
        { ok: true, listedIds: [SONNET, TITAN] },
      ],
    );

    expect(found).toEqual({
      unknown: [{ modelId: TYPO, suggestions: [SONNET] }],
      undetermined: [],
    });
  });

  it('cannot tell while a region did not answer', () => {
    const found = findUnknownModels(
      [TYPO, TITAN],
      [{ ok: true, listedIds: [TITAN] }, { ok: false }],
    );

    expect(found).toEqual({ unknown: [], undetermined: [TYPO] });
  });
});

describe('decideConfigEvents', () => {
  it('announces an unknown id once, in the config event shape', () => {
    const found = { unknown: [{ modelId: TYPO, suggestions: [SONNET] }], undetermined: [] };

    const first = decideConfigEvents([], found, CONTEXT);
    const second = decideConfigEvents(first.announced, found, CONTEXT);

    expect(first).toEqual({
      announced: [TYPO],
      changed: true,
      events: [
        {
          schema: 'bedrock-access-monitor/config/v1',
          eventId: expect.stringMatching(
            /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
          ),
          kind: 'config',
          account: '123456789012',
          problem: 'unknown-model',
          modelId: TYPO,
          regions: ['us-east-1', 'us-west-2'],
          suggestions: [SONNET],
          observedAt: NOW.toISOString(),
        },
      ],
    });
    expect(second).toEqual({ announced: [TYPO], changed: false, events: [] });
  });

  /** Each run: per watched id, listed somewhere, listed nowhere, or a listing failed. */
  const runsArb = fc.array(
    fc.record({
      listingFailed: fc.boolean(),
      listed: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 30 },
  );
  const IDS = ['amazon.nova-pro-v1:0', 'amazon.nova-lite-v1:0', 'meta.llama3-8b-instruct-v1:0'];

  it('announces each stretch of runs in which an id is unknown exactly once', () => {
    fc.assert(
      fc.property(runsArb, (runs) => {
        let announced: string[] = [];
        const events: string[] = [];
        runs.forEach((run, index) => {
          const listedIds = IDS.filter((_, i) => run.listed[i]);
          const listings = run.listingFailed
            ? [{ ok: true as const, listedIds }, { ok: false as const }]
            : [{ ok: true as const, listedIds }];
          const decision = decideConfigEvents(announced, findUnknownModels(IDS, listings), CONTEXT);
          announced = decision.announced;
          for (const event of decision.events) events.push(`${index} ${event.modelId}`);
        });

        // Reference: an id's stretch starts at a run that lists it nowhere with every listing
        // in, and ends at the next run that lists it; failed runs neither start nor end one.
        const expected: string[] = [];
        IDS.forEach((id, i) => {
          let open = false;
          runs.forEach((run, index) => {
            if (run.listed[i]) open = false;
            else if (!run.listingFailed && !open) {
              open = true;
              expected.push(`${index} ${id}`);
            }
          });
        });
        expect([...events].sort()).toEqual([...expected].sort());
      }),
      { numRuns: 300 },
    );
  });
});
