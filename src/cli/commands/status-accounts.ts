/**
 * `status --model ID --region R`: the per-account view of one pair (cli/account-view.ts),
 * as a table or as JSON.
 */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { organizationsRegion } from '../../aws/organizations-region.ts';
import { isBedrockRegion } from '../../config/bedrock-regions.ts';
import { unknownRegionMessage } from '../../config/schema.ts';
import type { WatchedConfig } from '../../config/watched-config.ts';
import { UsageError } from '../../errors.ts';
import {
  type AccountView,
  accountViewFromFiles,
  accountViewFromTable,
  assertWatched,
} from '../account-view.ts';
import { type CliIo, EXIT } from '../cli-io.ts';
import { renderAccountView } from '../render-account-view.ts';
import { accountForTable, type StateSource } from '../state-source.ts';

export interface AccountViewOptions {
  model: string;
  region: string;
  account: string | undefined;
  json: boolean;
  config: WatchedConfig | undefined;
  configPath: string;
}

/** Whether the options ask for the per-account view; both --model and --region, or a usage error. */
export function wantsAccountView(values: { model?: string; region?: string }): boolean {
  if (values.model === undefined && values.region === undefined) return false;
  if (values.model === undefined || values.region === undefined) {
    throw new UsageError(
      'status: give both --model ID and --region R for the per-account view of that pair (which accounts can use it), or neither for every stored pair.',
    );
  }
  if (!isBedrockRegion(values.region)) {
    throw new UsageError(`status: --region ${unknownRegionMessage(values.region)}`);
  }
  return true;
}

export async function printAccountView(
  source: StateSource,
  options: AccountViewOptions,
  io: CliIo,
): Promise<number> {
  const query = {
    modelId: options.model,
    region: options.region,
    account: options.account === undefined ? undefined : await accountForTable(options.account),
  };
  if (options.config !== undefined) assertWatched(options.config, options.configPath, query);
  let view: AccountView;
  if (source.kind === 'table') {
    const config = options.config as WatchedConfig;
    let organizations: OrganizationsClient | undefined;
    try {
      view = await accountViewFromTable(
        {
          client: source.client,
          tableName: source.tableName,
          config,
          organizations: () => {
            organizations ??= new OrganizationsClient({
              region: organizationsRegion(),
              retryMode: 'adaptive',
              maxAttempts: 8,
            });
            return organizations;
          },
          ownAccount: () => accountForTable(options.account),
        },
        query,
      );
    } finally {
      organizations?.destroy();
    }
  } else {
    view = await accountViewFromFiles(source.store, query);
  }
  if (options.json) {
    io.out(
      JSON.stringify({
        source: view.source,
        modelId: view.modelId,
        region: view.region,
        accounts: view.rows,
        skipped: view.skipped,
      }),
    );
    return EXIT.ok;
  }
  io.out(renderAccountView(view));
  for (const item of view.skipped) io.err(`skipped ${item.key} (left untouched): ${item.reason}`);
  return EXIT.ok;
}
