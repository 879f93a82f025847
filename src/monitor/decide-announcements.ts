/**
 * The events of one run that are not grant transitions, decided pair by pair on the record the
 * grant decision left (pure, no I/O): lifecycle warnings, `stuck`, and the `config` event of a
 * watched id no region lists. Each is remembered on the pair's own record, so the claim that
 * stores the record also claims its events: overlapping runs decide the same, and only the one
 * whose write lands announces them (outbox.ts).
 */
import type { RegionCatalog } from '../catalog/catalog-source.ts';
import { type ConfigEvent, decideConfigEvents } from '../catalog/config-event.ts';
import type { ModelLifecycle } from '../catalog/model-lifecycle.ts';
import type { UnknownModels } from '../catalog/unknown-models.ts';
import { resolveTargets, type WatchedConfig } from '../config/watched-config.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import { decideStuck } from '../grants/decide-stuck.ts';
import { type PairRecord, pairKey } from '../grants/pair-record.ts';
import { decideLifecycle } from '../lifecycle/decide-lifecycle.ts';

export interface AnnouncementRules {
  account: string;
  now: Date;
  lifecycleWarnings: readonly number[];
  stuckAfterMs: number;
  /** This run's lifecycle of each listed watched pair, by pairKey; missing: not listed, or the region's listing failed. */
  lifecycles: ReadonlyMap<string, ModelLifecycle>;
  /**
   * By pairKey, the pairs that hold a model's `config` announcement (its first watched
   * region): whether the id is announced after this run, and the event this run announces.
   */
  unknownModels: ReadonlyMap<string, { announced: boolean; event: ConfigEvent | undefined }>;
}

export interface Announcements {
  /** The fields of the record that change; empty: none. */
  changes: Partial<PairRecord>;
  events: AnnouncedEvent[];
}

/**
 * What `record` (the pair as stored after this run's grant decision) announces this run.
 * `observed`: whether this run observed the pair's grant (a stuck episode is judged on a fresh
 * observation only).
 */
export function decideAnnouncements(
  key: string,
  record: PairRecord,
  observed: boolean,
  rules: AnnouncementRules,
): Announcements {
  const changes: Partial<PairRecord> = {};
  const events: AnnouncedEvent[] = [];

  const lifecycle = rules.lifecycles.get(key);
  if (lifecycle !== undefined) {
    const stored = record.lifecycle ?? undefined;
    const decision = decideLifecycle(
      stored === undefined ? undefined : { ...stored, ...pairOf(record) },
      { ...pairOf(record), lifecycle },
      rules.now,
      rules,
    );
    if (decision.type !== 'unchanged') {
      const { lifecycle: listed, warned, version } = decision.next;
      changes.lifecycle = { lifecycle: listed, warned, version };
      events.push(...decision.events);
    }
  }

  if (observed) {
    const announcedSince = record.stuckAnnouncedSince ?? null;
    const stuck = decideStuck(record, announcedSince, rules.now, rules.stuckAfterMs);
    if (stuck.changed) changes.stuckAnnouncedSince = stuck.announcedSince;
    if (stuck.event !== null) events.push(stuck.event);
  }

  const config = rules.unknownModels.get(key);
  const announced = config?.announced ?? false;
  if (announced !== (record.unknownModelAnnounced ?? false)) {
    changes.unknownModelAnnounced = announced;
  }
  if (config?.event !== undefined) events.push(config.event);

  return { changes, events };
}

/**
 * Which pair holds each watched model's `config` announcement (the model's first watched
 * region), and what it holds after this run: decided on the records as they are stored now.
 */
export function configAnnouncements(
  deps: { account: string; config: WatchedConfig },
  unknown: UnknownModels | undefined,
  records: ReadonlyMap<string, PairRecord>,
  now: Date,
): AnnouncementRules['unknownModels'] {
  const holders = new Map<string, string>();
  for (const model of deps.config.models) {
    const region = (model.regions ?? deps.config.regions)[0];
    if (region !== undefined) holders.set(model.id, pairKey({ region, modelId: model.id }));
  }
  const held = new Map<string, { announced: boolean; event: ConfigEvent | undefined }>();
  if (unknown === undefined) {
    // No listing this run: whatever is announced stays so.
    for (const [key, record] of records) {
      if (record.unknownModelAnnounced === true)
        held.set(key, { announced: true, event: undefined });
    }
    return held;
  }
  const previously = [...records].flatMap(([key, record]) =>
    record.unknownModelAnnounced === true && holders.get(record.modelId) === key
      ? [record.modelId]
      : [],
  );
  const regions = [...new Set(resolveTargets(deps.config).map((target) => target.region))];
  const decision = decideConfigEvents(previously, unknown, { account: deps.account, regions, now });
  for (const modelId of decision.announced) {
    const key = holders.get(modelId);
    if (key !== undefined) held.set(key, { announced: true, event: undefined });
  }
  for (const event of decision.events) {
    const key = holders.get(event.modelId);
    if (key !== undefined) held.set(key, { announced: true, event });
  }
  return held;
}

/** This run's lifecycle of each watched pair its region listed, by pairKey. */
export function lifecyclesByPair(catalogs: readonly RegionCatalog[]): Map<string, ModelLifecycle> {
  return new Map(
    catalogs.flatMap((catalog) =>
      catalog.ok
        ? [...catalog.lifecycles].map(
            ([modelId, lifecycle]) =>
              [pairKey({ region: catalog.region, modelId }), lifecycle] as const,
          )
        : [],
    ),
  );
}

function pairOf(record: PairRecord): { account: string; region: string; modelId: string } {
  return { account: record.account, region: record.region, modelId: record.modelId };
}
