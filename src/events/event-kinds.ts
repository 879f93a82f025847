/**
 * Every kind of event the monitor announces, the vocabulary of `notify` and of the
 * EventBridge detail-types: the grant transitions, and the events that are not transitions.
 */
import { TRANSITION_KINDS, type TransitionKind } from '../grants/types.ts';

/** Events about a model, the config or a member account rather than a grant's state. */
export const NON_TRANSITION_KINDS = [
  'lifecycle',
  'stuck',
  'config',
  'account-unreachable',
  'account-reachable',
] as const;

export const EVENT_KINDS = [...TRANSITION_KINDS, ...NON_TRANSITION_KINDS] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The grant transition kinds among `kinds` (the `notify` of the config), for decideNext. */
export function transitionKindsIn(kinds: readonly EventKind[]): ReadonlySet<TransitionKind> {
  const transitions: readonly string[] = TRANSITION_KINDS;
  return new Set(kinds.filter((kind): kind is TransitionKind => transitions.includes(kind)));
}
