import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkBudgetMs } from '../src/config/run-capacity.ts';
import { PROJECT_ROOT } from './fixtures.ts';

/** The Bedrock settings the deployed handler uses, as src/lambda/create-monitor-handler.ts sets them. */
export interface LambdaBedrockSettings {
  requestTimeoutMs: number;
  maxAttempts: number;
  concurrencyPerRegion: number;
  /** As the handler computes it for a run that starts with the function's full timeout. */
  checkBudgetMs: number;
}

const HANDLER_SOURCE = 'src/lambda/create-monitor-handler.ts';
/**
 * Reads the settings out of the handler's source, so the benchmark measures what is deployed
 * and fails loudly when the code changes shape (then update the patterns here).
 */
export async function readLambdaBedrockSettings(
  timeoutSeconds: number,
): Promise<LambdaBedrockSettings> {
  const source = await readFile(join(PROJECT_ROOT, HANDLER_SOURCE), 'utf8');
  const clients =
    /createBedrockClientCache\(\{\s*requestTimeoutMs:\s*([\d_]+),\s*maxAttempts:\s*(\d+)\s*\}\)/.exec(
      source,
    );
  const concurrency = /concurrencyPerRegion:\s*(\d+)/.exec(source);
  if (!clients || !concurrency || !/checkBudgetMs\(remaining\)/.test(source)) {
    throw new Error(
      `${HANDLER_SOURCE} no longer sets the Bedrock client cache, concurrencyPerRegion or the checkBudgetMs deadline the way bench/lambda-settings.ts reads them`,
    );
  }
  return {
    requestTimeoutMs: Number((clients[1] as string).replaceAll('_', '')),
    maxAttempts: Number(clients[2]),
    concurrencyPerRegion: Number(concurrency[1]),
    checkBudgetMs: checkBudgetMs(timeoutSeconds * 1000),
  };
}
