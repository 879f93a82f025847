import type { WatchedScope } from '../config/watched-config.ts';

/** `1 model`, `2 models`, `0 checks`: a count with its noun in the right number. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** `3 models in 2 regions, 5 checks a run`: what `validate` and the demo both print. */
export function renderScope(scope: WatchedScope): string {
  return `${plural(scope.models, 'model')} in ${plural(scope.regions, 'region')}, ${plural(scope.checks, 'check')} a run`;
}
