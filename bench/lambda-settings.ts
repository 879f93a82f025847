import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  const minWrite = /MIN_WRITE_TIME_MS\s*=\s*([\d_]+)/.exec(source);
  if (!clients || !concurrency || !minWrite) {
    throw new Error(
      `${HANDLER_SOURCE} no longer sets the Bedrock client cache, concurrencyPerRegion or MIN_WRITE_TIME_MS the way bench/lambda-settings.ts reads them`,
    );
  }
  const remaining = timeoutSeconds * 1000;
  const minWriteMs = Number((minWrite[1] as string).replaceAll('_', ''));
  return {
    requestTimeoutMs: Number((clients[1] as string).replaceAll('_', '')),
    maxAttempts: Number(clients[2]),
    concurrencyPerRegion: Number(concurrency[1]),
    // create-monitor-handler.ts: deadline = now + remaining - max(MIN_WRITE_TIME_MS, remaining / 4)
    checkBudgetMs: remaining - Math.max(minWriteMs, remaining / 4),
  };
}
