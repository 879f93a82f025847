/**
 * The lines written to stdout and stderr while `act` runs, and nothing passed through: what a
 * Lambda's log group would receive (Powertools writes warnings and errors to stderr).
 */
export async function writtenDuring(act: () => unknown): Promise<string[]> {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof stream.write;
  }
  try {
    await act();
  } finally {
    streams.forEach((stream, index) => {
      stream.write = originals[index] as typeof stream.write;
    });
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '');
}
