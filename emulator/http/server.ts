import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { LeafCertificate } from '../tls';
import { type DispatchEnvironment, dispatch } from './dispatch';
import { type IncomingRequest, RESET, type ServiceDefinition } from './types';

/** A listening HTTPS server. */
export interface RunningServer {
  readonly port: number;
  /** `address:port` of every TCP connection accepted, in order (a proxy's tunnels show its address). */
  peers(): string[];
  /** Forgets {@link peers}. */
  clearPeers(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toIncoming(req: IncomingMessage, body: Buffer): IncomingRequest | null {
  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  // Trailing slashes are not significant on any emulated route.
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: trimmed,
    query: url.searchParams,
    headers,
    body,
    peer: `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? 0}`,
  };
}

/** Picks the service for a request (the devops port also serves `/_admin`). */
export type ServiceSelector = (request: IncomingRequest) => ServiceDefinition;

async function handle(
  select: ServiceSelector,
  env: DispatchEnvironment,
  req: IncomingMessage,
  res: ServerResponse,
) {
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch {
    res.writeHead(413).end();
    return;
  }
  const incoming = toIncoming(req, body);
  if (!incoming) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Malformed URL');
    return;
  }
  const outcome = await dispatch(select(incoming), incoming, env);
  if (outcome === RESET) {
    req.socket.destroy();
    return;
  }
  const payload = outcome.text ?? (outcome.json === undefined ? '' : JSON.stringify(outcome.json));
  const headers: Record<string, string> = { ...outcome.headers };
  if (payload.length > 0) headers['content-type'] = outcome.contentType ?? 'application/json; charset=utf-8';
  res.writeHead(outcome.status, headers).end(payload);
}

/** Starts one HTTPS server on 127.0.0.1 (port 0: an ephemeral port). */
export function startServer(
  select: ServiceSelector,
  tls: LeafCertificate,
  port: number,
  env: DispatchEnvironment,
): Promise<RunningServer> {
  const server: Server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    handle(select, env, req, res).catch(() => req.socket.destroy());
  });
  let peers: string[] = [];
  server.on('connection', (socket: Socket) => {
    peers.push(`${socket.remoteAddress ?? ''}:${socket.remotePort ?? 0}`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        peers: () => [...peers],
        clearPeers: () => {
          peers = [];
        },
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
