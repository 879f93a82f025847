/**
 * The Bedrock availability source of each member account: its own clients, signed with the
 * credentials of its role (member-credentials.ts), or the function's own for the hub. Kept
 * per account across invocations, the least recently used dropped beyond `maxAccounts`, so a
 * container that serves many accounts does not grow without bound.
 */
import {
  type AvailabilitySource,
  createBedrockAvailabilitySource,
} from '../bedrock/availability-source.ts';
import {
  type BedrockClientForRegion,
  type BedrockClientOptions,
  createBedrockClientCache,
} from '../bedrock/bedrock-clients.ts';
import type { MemberCredentials } from './member-credentials.ts';

export interface MemberAvailabilityOptions {
  credentials: MemberCredentials;
  hubAccount: string;
  requestTimeoutMs: number;
  maxAttempts: number;
  concurrencyPerRegion: number;
  maxAccounts?: number;
  /** Only for the demo, which talks to its own simulator; otherwise the SDK resolves it. */
  endpoint?: string;
  /** The hub's own credentials; default: the SDK's chain (the function's role). */
  hubCredentials?: BedrockClientOptions['credentials'];
  /** The hub's clients, when the caller has them already (the worker's catalog uses them). */
  hubClientForRegion?: BedrockClientForRegion;
}

export function createMemberAvailability(
  options: MemberAvailabilityOptions,
): (account: string) => AvailabilitySource {
  const maxAccounts = options.maxAccounts ?? 64;
  const sources = new Map<string, { source: AvailabilitySource; destroy(): void }>();
  // The hub's source is used every period and may share its clients: it is never evicted.
  let hubSource: AvailabilitySource | undefined;
  const sourceOf = (clientForRegion: BedrockClientForRegion) =>
    createBedrockAvailabilitySource({
      clientForRegion,
      concurrencyPerRegion: options.concurrencyPerRegion,
    });
  return (account) => {
    if (account === options.hubAccount) {
      hubSource ??= sourceOf(
        options.hubClientForRegion ??
          createBedrockClientCache({
            requestTimeoutMs: options.requestTimeoutMs,
            maxAttempts: options.maxAttempts,
            ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
            ...(options.hubCredentials === undefined
              ? {}
              : { credentials: options.hubCredentials }),
          }),
      );
      return hubSource;
    }
    const known = sources.get(account);
    if (known !== undefined) {
      sources.delete(account);
      sources.set(account, known);
      return known.source;
    }
    const clientForRegion = createBedrockClientCache({
      requestTimeoutMs: options.requestTimeoutMs,
      maxAttempts: options.maxAttempts,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      // The SDK asks again when the credentials near their expiration; the cache answers
      // from memory until then.
      credentials: async () => {
        const credentials = await options.credentials.credentialsFor(account);
        if (credentials === undefined) throw new RangeError(`no credentials for ${account}`);
        return credentials;
      },
    });
    const source = sourceOf(clientForRegion);
    sources.set(account, { source, destroy: clientForRegion.destroy });
    // The least recently used is idle (a batch holds far fewer accounts than maxAccounts):
    // its connections are closed now rather than left open until the container ends.
    for (const [oldest, dropped] of sources) {
      if (sources.size <= maxAccounts) break;
      sources.delete(oldest);
      dropped.destroy();
    }
    return source;
  };
}
