import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PairRecord } from '../../src/grants/pair-record.ts';
import type { GrantState, RawAvailability } from '../../src/grants/types.ts';

export const ACCOUNT = '123456789012';

export const ENABLED_RAW: RawAvailability = {
  agreement: 'AVAILABLE',
  agreementError: null,
  authorization: 'AUTHORIZED',
  entitlement: 'AVAILABLE',
  region: 'AVAILABLE',
};

/** The raw fields that make each grant state (the simulator's shorthand, restated for tests). */
export const RAW_FOR: Record<GrantState, RawAvailability> = {
  ENABLED: ENABLED_RAW,
  IN_PROGRESS: { ...ENABLED_RAW, agreement: 'PENDING' },
  NOT_ENABLED: { ...ENABLED_RAW, agreement: 'NOT_AVAILABLE' },
  FAILED: { ...ENABLED_RAW, agreement: 'ERROR', agreementError: 'Payment instrument declined' },
  NOT_AUTHORIZED: { ...ENABLED_RAW, authorization: 'NOT_AUTHORIZED' },
  NOT_OFFERED: { ...ENABLED_RAW, region: 'NOT_AVAILABLE' },
};

export function record(change: Partial<PairRecord> = {}): PairRecord {
  return {
    account: ACCOUNT,
    region: 'us-east-1',
    modelId: 'amazon.titan-text-express-v1',
    state: 'ENABLED',
    since: '2026-11-24T09:00:00.000Z',
    raw: ENABLED_RAW,
    notFound: null,
    pendingRevocation: null,
    version: 1,
    outbox: [],
    ...change,
  };
}

/** A fresh directory under the system temp dir, and a function that removes it. */
export async function temporaryDirectory(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'bam-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
