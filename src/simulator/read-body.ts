import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';

/** Bodies here are small JSON or form posts; anything larger is not an SDK talking. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The whole request body as UTF-8, refusing one over `maxBytes`. */
export function readBody(
  request: IncomingMessage | Http2ServerRequest,
  maxBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.destroy();
        reject(new Error('request body too large'));
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
