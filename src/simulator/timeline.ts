/**
 * Simulated time and the scripted timelines. Time has two axes: ticks, advanced on purpose by
 * a test or the demo, and seconds since the simulator started, from an injectable clock.
 */
import { answerFromSpec, type GrantAnswer } from './grant-answers.ts';
import type { ScenarioFile } from './scenario-schema.ts';

export interface SimTime {
  tick: number;
  /** Seconds since the simulator started. */
  seconds: number;
}

export type TimelineEntry =
  | { at: number; answer: GrantAnswer }
  | { afterSeconds: number; answer: GrantAnswer };

export interface GrantScript {
  region: string;
  modelId: string;
  timeline: TimelineEntry[];
}

function isReached(entry: TimelineEntry, time: SimTime): boolean {
  return 'at' in entry ? time.tick >= entry.at : time.seconds >= entry.afterSeconds;
}

/** The entry in force is the last one (in file order) whose moment has been reached. */
export function answerInForce(timeline: TimelineEntry[], time: SimTime): GrantAnswer | undefined {
  let inForce: GrantAnswer | undefined;
  for (const entry of timeline) {
    if (isReached(entry, time)) inForce = entry.answer;
  }
  return inForce;
}

export function grantScriptsFromFile(file: ScenarioFile): GrantScript[] {
  return file.grants.map((grant) => ({
    region: grant.region,
    modelId: grant.model,
    timeline: grant.timeline.map((entry): TimelineEntry => {
      const answer = answerFromSpec(entry);
      return entry.at !== undefined
        ? { at: entry.at, answer }
        : { afterSeconds: entry.afterSeconds ?? 0, answer };
    }),
  }));
}
