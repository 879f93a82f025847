import * as z from 'zod';
import { describeAnswerProblems } from '../bedrock/answer-problems.ts';
import { LIFECYCLE_STATUSES, type ModelLifecycle } from './model-lifecycle.ts';

// The SDK neither checks required members nor enum values (an unknown status arrives as any
// string, a missing member as undefined); it does refuse a timestamp it cannot read. Every
// summary is read strictly, watched or not: one bad summary means the whole answer is not
// to be trusted. Bedrock sends modelLifecycle with every model, so a summary without one is
// malformed too.
const optionalDate = z.optional(z.date());
const catalogAnswer = z.object({
  modelSummaries: z.array(
    z.object({
      modelArn: z.string(),
      modelId: z.string().check(z.minLength(1)),
      modelLifecycle: z.object({
        status: z.enum(LIFECYCLE_STATUSES),
        startOfLifeTime: optionalDate,
        legacyTime: optionalDate,
        publicExtendedAccessTime: optionalDate,
        endOfLifeTime: optionalDate,
      }),
    }),
  ),
});

/** A ListFoundationModels answer: every listed id (in order, once) and each one's lifecycle. */
export type ParsedCatalog =
  | { ok: true; listedIds: string[]; lifecycles: Map<string, ModelLifecycle> }
  | { ok: false; problem: string };

/** Reads a ListFoundationModels answer; says which field is wrong when it is. */
export function parseCatalogAnswer(answer: unknown): ParsedCatalog {
  const result = catalogAnswer.safeParse(answer);
  if (!result.success) {
    return { ok: false, problem: describeAnswerProblems(answer, result.error.issues) };
  }
  const lifecycles = new Map<string, ModelLifecycle>();
  for (const { modelId, modelLifecycle } of result.data.modelSummaries) {
    const iso = (date: Date | undefined) => (date === undefined ? null : date.toISOString());
    lifecycles.set(modelId, {
      status: modelLifecycle.status,
      startOfLifeTime: iso(modelLifecycle.startOfLifeTime),
      legacyTime: iso(modelLifecycle.legacyTime),
      publicExtendedAccessTime: iso(modelLifecycle.publicExtendedAccessTime),
      endOfLifeTime: iso(modelLifecycle.endOfLifeTime),
    });
  }
  return { ok: true, listedIds: [...lifecycles.keys()], lifecycles };
}
