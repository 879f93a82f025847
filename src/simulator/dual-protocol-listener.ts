/**
 * One TCP port that speaks HTTP/1.1 and cleartext HTTP/2, so one endpoint URL serves both
 * Bedrock clients. @aws-sdk/client-bedrock uses node:http (HTTP/1.1); @aws-sdk/client-bedrock-
 * runtime uses NodeHttp2Handler, which for an `http://` endpoint calls `http2.connect` and
 * speaks HTTP/2 with prior knowledge (no Upgrade, no ALPN): its first bytes are the HTTP/2
 * connection preface. Node's `allowHTTP1` only works with TLS, so each connection is sniffed
 * here and handed to the server that speaks its protocol.
 */
import {
  createServer as createHttp1Server,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import {
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';

/** RFC 9113 section 3.4: what every HTTP/2 client sends first. */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;

export interface DualProtocolListener {
  address(): AddressInfo;
  /** Stops accepting and destroys every open connection, whatever it was doing. */
  close(): Promise<void>;
}

/** Starts listening; `onRequest` gets requests of both protocols (the compat API of http2). */
export async function listenDualProtocol(
  port: number,
  host: string,
  onRequest: (request: AnyRequest, response: AnyResponse) => void,
): Promise<DualProtocolListener> {
  const http1 = createHttp1Server(onRequest);
  const http2 = createHttp2Server(onRequest);
  const sockets = new Set<Socket>();

  const tcp = createTcpServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A reset before the hand-over must not crash the process; afterwards the servers listen too.
    socket.on('error', () => socket.destroy());
    let seen = Buffer.alloc(0);
    const sniff = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const compared = Math.min(seen.length, HTTP2_PREFACE.length);
      const isHttp2 = seen.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
      if (isHttp2 && seen.length < HTTP2_PREFACE.length) return;
      socket.off('data', sniff);
      socket.pause();
      socket.unshift(seen);
      (isHttp2 ? http2 : http1).emit('connection', socket);
      // Both servers attach their readers synchronously; resume after they have.
      process.nextTick(() => socket.resume());
    };
    socket.on('data', sniff);
  });

  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, host, () => {
      tcp.off('error', reject);
      resolve();
    });
  });

  return {
    address: () => tcp.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve, reject) => {
        tcp.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      }),
  };
}

/** Whether the client is gone, so there is nobody left to answer. */
export function isGone(response: AnyResponse): boolean {
  return 'stream' in response ? response.stream.destroyed : response.destroyed;
}
