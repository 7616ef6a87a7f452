/**
 * A CONNECT proxy for tests, on loopback: the `proxy` package (TooTallNate's, the one
 * `https-proxy-agent` is tested with) with Basic proxy authentication, counting the tunnels it
 * accepted per target `host:port` and the CONNECTs it refused with 407.
 *
 * Its connections to the targets leave from {@link PROXY_EGRESS_ADDRESS}, another loopback
 * address, so the emulator's request log (`peer`) tells which requests came through it, the way
 * a real service sees the proxy's address instead of the agent's.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';

/** Where the proxy's connections to targets come from (the clients' come from 127.0.0.1). */
export const PROXY_EGRESS_ADDRESS = '127.0.0.2';

export interface ConnectProxyOptions {
  /** When set (with `password`), CONNECTs without these Basic credentials get 407. */
  username?: string;
  password?: string;
  /** Target `host:port`s the proxy refuses to tunnel to (answered 407, counted as refused). */
  deny?: readonly string[];
}

export interface ConnectProxy {
  /** `http://127.0.0.1:<port>`, without credentials. */
  url: string;
  /** Accepted tunnels per target `host:port`. */
  tunnels(): Record<string, number>;
  /** CONNECTs refused with 407 (missing or wrong credentials) per target `host:port`. */
  refused(): Record<string, number>;
  close(): Promise<void>;
}

/** Starts the proxy on an ephemeral port of 127.0.0.1. */
export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const tunnels: Record<string, number> = {};
  const refused: Record<string, number> = {};
  const expected =
    options.username === undefined
      ? undefined
      : `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;
  const server = createProxy(http.createServer());
  server.localAddress = PROXY_EGRESS_ADDRESS;
  // Tunnelled sockets leave the HTTP server's bookkeeping: track them to close them.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.authenticate = (req) => {
    const denied = req.url !== undefined && (options.deny ?? []).includes(req.url);
    const ok = !denied && (expected === undefined || req.headers['proxy-authorization'] === expected);
    const counts = ok ? tunnels : refused;
    if (req.method === 'CONNECT' && req.url) counts[req.url] = (counts[req.url] ?? 0) + 1;
    return ok;
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels: () => ({ ...tunnels }),
    refused: () => ({ ...refused }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/**
 * The TCP connections the emulator accepted from the proxy, per service `host:port`: to compare
 * with {@link ConnectProxy.tunnels}, the same count seen from the other side.
 */
export function connectionsFromProxy(emulator: {
  connections(): Array<{ host: string; peer: string }>;
}): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { host, peer } of emulator.connections()) {
    if (peer.startsWith(`${PROXY_EGRESS_ADDRESS}:`)) counts[host] = (counts[host] ?? 0) + 1;
  }
  return counts;
}
