import type { GrantState, TransitionKind } from './types.ts';

/** Names a confirmed change, in DESIGN.md's order: ready, revoked, failed, requested, changed. */
export function classifyTransition(from: GrantState | null, to: GrantState): TransitionKind {
  if (to === 'ENABLED') return 'ready';
  if (from === 'ENABLED') return 'revoked';
  if (to === 'FAILED') return 'failed';
  if (to === 'IN_PROGRESS') return 'requested';
  return 'changed';
}
