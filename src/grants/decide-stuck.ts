/**
 * Whether a pair has been IN_PROGRESS for too long: AWS says a Marketplace agreement still
 * pending after about 15 minutes has failed to be created, yet Bedrock may go on reporting it
 * PENDING. Announced once per episode: an episode is one stretch of IN_PROGRESS, named by its
 * `since`; leaving IN_PROGRESS ends it. Pure, no I/O.
 */
import { deterministicEventId } from '../events/event-id.ts';
import type { GrantState } from './types.ts';

export const STUCK_EVENT_SCHEMA = 'bedrock-access-monitor/stuck/v1';

export interface StuckEvent {
  schema: typeof STUCK_EVENT_SCHEMA;
  eventId: string;
  kind: 'stuck';
  account: string;
  modelId: string;
  region: string;
  state: 'IN_PROGRESS';
  /** When the pair was first seen IN_PROGRESS in this episode, ISO-8601 UTC. */
  since: string;
  /** How long it has been IN_PROGRESS when announced, whole milliseconds. */
  elapsedMs: number;
  /** The `stuckAfter` it exceeded, whole milliseconds. */
  stuckAfterMs: number;
  observedAt: string;
}

/** What decideStuck reads of a pair; a stored PairRecord has it. */
export interface StuckCandidate {
  account: string;
  region: string;
  modelId: string;
  state: GrantState;
  since: string;
}

export interface StuckDecision {
  /** The `since` of the episode announced, to store with the pair; null outside an episode. */
  announcedSince: string | null;
  /** True when `announcedSince` differs from the stored one and must be written. */
  changed: boolean;
  event: StuckEvent | null;
}

/**
 * `pair` is the pair as stored after this run's observation; `announcedSince` what the last
 * decision stored. A pair IN_PROGRESS for longer than `stuckAfterMs` at `now` is announced,
 * once for its episode.
 */
export function decideStuck(
  pair: StuckCandidate,
  announcedSince: string | null,
  now: Date,
  stuckAfterMs: number,
): StuckDecision {
  const nowMs = now.getTime();
  if (!Number.isInteger(nowMs)) throw new RangeError(`now is not a valid date: ${String(now)}`);
  if (!Number.isInteger(stuckAfterMs) || stuckAfterMs < 1) {
    throw new RangeError(`stuckAfterMs must be whole milliseconds >= 1, got ${stuckAfterMs}`);
  }
  const keep = (value: string | null): StuckDecision => ({
    announcedSince: value,
    changed: value !== announcedSince,
    event: null,
  });
  if (pair.state !== 'IN_PROGRESS') return keep(null);
  if (announcedSince === pair.since) return keep(announcedSince);
  const sinceMs = Date.parse(pair.since);
  if (Number.isNaN(sinceMs)) throw new RangeError(`since is not a date: ${pair.since}`);
  const elapsedMs = nowMs - sinceMs;
  // An announcement of an earlier episode says nothing about this one.
  if (elapsedMs <= stuckAfterMs) return keep(null);
  return {
    announcedSince: pair.since,
    changed: true,
    event: {
      schema: STUCK_EVENT_SCHEMA,
      eventId: deterministicEventId([pair.account, pair.region, pair.modelId, 'stuck', pair.since]),
      kind: 'stuck',
      account: pair.account,
      modelId: pair.modelId,
      region: pair.region,
      state: 'IN_PROGRESS',
      since: pair.since,
      elapsedMs,
      stuckAfterMs,
      observedAt: now.toISOString(),
    },
  };
}
