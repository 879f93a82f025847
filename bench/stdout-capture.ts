/**
 * What a piece of the benchmark writes to this process's stdout while `run` runs, kept and not
 * printed: the handlers' Powertools log lines and EMF metrics, whose bytes the cost counts.
 * (Powertools' console writes through process.stdout.write, replaced here for the duration.)
 */
export async function captureStdout<T>(
  run: () => Promise<T>,
): Promise<{ result: T; text: string }> {
  const written: string[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  try {
    const result = await run();
    return { result, text: written.join('') };
  } finally {
    process.stdout.write = write;
  }
}
