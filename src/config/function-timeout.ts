/**
 * The deployed function's timeout, read from serverless.yml (`provider.timeout`), the one place
 * it is set, so that `validate` measures a config against the stack that would run it.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

const SERVERLESS_YML = new URL('../../serverless.yml', import.meta.url);

/** Seconds; throws when serverless.yml no longer sets a whole number there. */
export async function readFunctionTimeoutSeconds(
  file: URL | string = SERVERLESS_YML,
): Promise<number> {
  const stack = parse(await readFile(file, 'utf8')) as { provider?: { timeout?: unknown } } | null;
  const timeout = stack?.provider?.timeout;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1) {
    throw new Error(
      `${String(file)}: provider.timeout must be the function's timeout in whole seconds, got ${JSON.stringify(timeout)}`,
    );
  }
  return timeout;
}
