import type { AvailabilitySource } from '../../src/bedrock/availability-source.ts';
import type { CheckOutcome, CheckTarget, FailureKind, GrantState } from '../../src/grants/types.ts';
import { RAW_FOR } from './fixtures.ts';

export type ScriptedAnswer = GrantState | { fail: FailureKind };

/** An AvailabilitySource answering from a table the test changes between runs. */
export class ScriptedAvailability implements AvailabilitySource {
  readonly answers = new Map<string, ScriptedAnswer>();
  /** Awaited before answering: lets a test hold overlapping runs at the same point. */
  gate: Promise<void> = Promise.resolve();

  /** Holds every check until the returned function is called: runs started meanwhile overlap. */
  hold(): () => void {
    let release = () => {};
    this.gate = new Promise((resolve) => {
      release = resolve;
    });
    return release;
  }

  set(region: string, modelId: string, answer: ScriptedAnswer): this {
    this.answers.set(`${region}#${modelId}`, answer);
    return this;
  }

  async check(targets: readonly CheckTarget[]): Promise<CheckOutcome[]> {
    await this.gate;
    return targets.map((target) => {
      const answer = this.answers.get(`${target.region}#${target.modelId}`) ?? 'ENABLED';
      if (typeof answer === 'object') {
        return {
          ...target,
          ok: false,
          kind: answer.fail,
          errorName: null,
          message: `scripted ${answer.fail}`,
          durationMs: 1,
        };
      }
      return { ...target, ok: true, raw: RAW_FOR[answer], notFound: null, durationMs: 1 };
    });
  }
}
