import type { GrantState, Observation } from './types.ts';

/**
 * Derives the grant state from one answer, in DESIGN.md's order of precedence: the first
 * matching row wins, so a model not offered in a region is NOT_OFFERED whatever else it says.
 * The caller has already validated the fields (see parse-availability.ts).
 */
export function deriveGrantState(observation: Pick<Observation, 'raw' | 'notFound'>): GrantState {
  const { raw, notFound } = observation;
  if (notFound !== null || raw.region === 'NOT_AVAILABLE') return 'NOT_OFFERED';
  if (raw.authorization === 'NOT_AUTHORIZED') return 'NOT_AUTHORIZED';
  if (raw.agreement === 'ERROR') return 'FAILED';
  if (raw.agreement === 'PENDING') return 'IN_PROGRESS';
  if (raw.agreement === 'NOT_AVAILABLE' || raw.entitlement === 'NOT_AVAILABLE')
    return 'NOT_ENABLED';
  return 'ENABLED';
}
