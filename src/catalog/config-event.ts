/**
 * The `config` event: a watched model id that no watched region lists, announced once while
 * it stays unknown (every run still reports it in its summary). Pure, no I/O.
 */
import { deterministicEventId } from '../events/event-id.ts';
import type { UnknownModels } from './unknown-models.ts';

export const CONFIG_EVENT_SCHEMA = 'bedrock-access-monitor/config/v1';

export interface ConfigEvent {
  schema: typeof CONFIG_EVENT_SCHEMA;
  eventId: string;
  kind: 'config';
  account: string;
  /** What is wrong; the only problem so far. */
  problem: 'unknown-model';
  modelId: string;
  /** The watched regions whose listings were searched, in config order. */
  regions: string[];
  /** "Did you mean": the closest listed ids, nearest first; may be empty. */
  suggestions: string[];
  observedAt: string;
}

export interface ConfigDecision {
  /** The unknown ids announced so far, to store for the next run (sorted). */
  announced: string[];
  /** True when `announced` differs from the stored list and must be written. */
  changed: boolean;
  events: ConfigEvent[];
}

/**
 * Announces each unknown id once. An id stays announced while it is unknown, or while this
 * run could not tell (a listing failed); once a run sees it listed, or it is no longer
 * watched, it is forgotten, so it is announced again if it goes missing again.
 */
export function decideConfigEvents(
  previouslyAnnounced: readonly string[],
  found: UnknownModels,
  context: { account: string; regions: readonly string[]; now: Date },
): ConfigDecision {
  const before = new Set(previouslyAnnounced);
  const events = found.unknown
    .filter(({ modelId }) => !before.has(modelId))
    .map(
      ({ modelId, suggestions }): ConfigEvent => ({
        schema: CONFIG_EVENT_SCHEMA,
        eventId: deterministicEventId([
          context.account,
          'config',
          'unknown-model',
          modelId,
          [...context.regions].sort().join(' '),
        ]),
        kind: 'config',
        account: context.account,
        problem: 'unknown-model',
        modelId,
        regions: [...context.regions],
        suggestions,
        observedAt: context.now.toISOString(),
      }),
    );
  const kept = found.undetermined.filter((modelId) => before.has(modelId));
  const announced = [...new Set([...found.unknown.map(({ modelId }) => modelId), ...kept])].sort();
  const changed =
    announced.length !== before.size || announced.some((modelId) => !before.has(modelId));
  return { announced, changed, events };
}
