import type { BedrockClientConfig } from '@aws-sdk/client-bedrock';
import { createBedrockAvailabilitySource } from '../bedrock/availability-source.ts';
import { createBedrockClientCache } from '../bedrock/bedrock-clients.ts';
import { createRuntimeClientCache } from '../bedrock/runtime-clients.ts';
import { createBedrockCatalogSource } from '../catalog/catalog-source.ts';
import type { WatchedConfig } from '../config/watched-config.ts';
import type { AnnouncedEvent } from '../events/announced-event.ts';
import type { MonitorDeps } from '../monitor/run-check.ts';
import { FileStateStore } from '../state/file-state-store.ts';
import { createConverseVerifier } from '../verify/converse-verifier.ts';

export interface LocalMonitorOptions {
  account: string;
  config: WatchedConfig;
  statePath: string;
  deadlineMs: number;
  concurrencyPerRegion: number;
  requestTimeoutMs: number;
  maxAttempts: number;
  /**
   * Make the billed verification call (Converse) for models with `verify` in the config. A
   * local `check` does only with --verify; the demo's simulator bills nothing.
   */
  verify: boolean;
  /** Only for the demo, which talks to its own simulator; otherwise the SDK resolves it. */
  endpoint?: string;
  credentials?: BedrockClientConfig['credentials'];
  /** Called for every event the config publishes, once, when it is delivered. */
  onNotify(event: AnnouncedEvent): void;
}

/** The engine's dependencies for a run on a laptop: Bedrock via the SDK, a state file. */
export function createLocalMonitor(options: LocalMonitorOptions): Omit<MonitorDeps, 'deadline'> & {
  store: FileStateStore;
  deadlineMs: number;
} {
  const clientForRegion = createBedrockClientCache({
    requestTimeoutMs: options.requestTimeoutMs,
    maxAttempts: options.maxAttempts,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  });
  return {
    account: options.account,
    config: options.config,
    availability: createBedrockAvailabilitySource({
      clientForRegion,
      concurrencyPerRegion: options.concurrencyPerRegion,
    }),
    // One ListFoundationModels per region and run: lifecycle warnings and unknown ids.
    catalog: createBedrockCatalogSource({ clientForRegion, concurrency: 4 }),
    store: new FileStateStore(options.statePath),
    // Without a verifier, runCheck makes no verification call (run-check.ts, verifyIfReady).
    ...(options.verify
      ? {
          verifier: createConverseVerifier(
            createRuntimeClientCache({
              requestTimeoutMs: options.requestTimeoutMs,
              ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
            }),
          ),
        }
      : {}),
    notifier: {
      async publish(event) {
        options.onNotify(event);
      },
    },
    deadlineMs: options.deadlineMs,
  };
}
