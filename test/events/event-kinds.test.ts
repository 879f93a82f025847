import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, transitionKindsIn } from '../../src/events/event-kinds.ts';
import { TRANSITION_KINDS } from '../../src/grants/types.ts';

describe('event kinds', () => {
  it('are the grant transitions and lifecycle, stuck, config, account-unreachable, account-reachable', () => {
    expect(EVENT_KINDS).toEqual([
      ...TRANSITION_KINDS,
      'lifecycle',
      'stuck',
      'config',
      'account-unreachable',
      'account-reachable',
    ]);
  });

  it('gives decideNext only the transition kinds of notify', () => {
    expect([...transitionKindsIn(['ready', 'lifecycle', 'blocked', 'config', 'stuck'])]).toEqual([
      'ready',
      'blocked',
    ]);
  });
});
