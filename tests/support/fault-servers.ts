import { createServer as createHttpServer, request as httpRequest, type IncomingHttpHeaders, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createConnection, createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '@/db/client';
import { withDatabaseName } from './test-database';

/**
 * Stand-ins that fail on purpose, for the fault suites (tests/integration/faults-*.int.test.ts).
 * Nothing here touches the real services: the database outage is a proxy being cut, the
 * provider outages are local HTTP servers.
 */

function listen(server: TcpServer | HttpServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * A TCP proxy in front of Postgres. `cut()` is the outage as the app sees it (the port refuses
 * connections and open connections drop); `restore()` brings it back on the same port. In
 * 'blackhole' mode it accepts connections and never answers (a hung network or server).
 */
export class TcpProxy {
  port = 0;
  mode: 'forward' | 'blackhole' = 'forward';
  /** Client connections accepted since start (a reconnecting pool shows up here). */
  accepted = 0;
  private server: TcpServer | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  get url(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<number> {
    const server = createTcpServer((client) => this.accept(client));
    this.port = await listen(server, this.port);
    this.server = server;
    return this.port;
  }

  /** Stops listening and drops every open connection. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dropConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port, forwarding. */
  async restore(): Promise<void> {
    this.mode = 'forward';
    this.dropConnections();
    if (!this.server) await this.start();
  }

  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: Socket): void {
    this.accepted++;
    this.track(client);
    if (this.mode === 'blackhole') return;
    const upstream = createConnection(this.target);
    this.track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * How the next request is answered: 'error' (the provider's HTTP 500), 'hang' (never answers:
 * the client's deadline must end it), 'reset' (the connection closes without an answer) or 'ok'.
 */
export type Fault = 'error' | 'hang' | 'reset' | 'ok';

export interface FaultyProviderOptions {
  /** The success answer. `delivered` is false for a repeat the provider deduplicated. */
  ok: (request: RecordedRequest, res: ServerResponse, delivery: { id: string; delivered: boolean }) => void;
  error: (request: RecordedRequest, res: ServerResponse) => void;
  /**
   * The provider's idempotency key for a request (Resend's Idempotency-Key header). A repeat of
   * a key it has accepted is answered with the first id and not delivered again.
   */
  idempotencyKey?: (request: RecordedRequest) => string | undefined;
  /** What identifies a message for the delivery count (phone + text, the email's key...). */
  messageKey: (request: RecordedRequest) => string;
}

/**
 * A provider that fails on purpose. Each request takes the next entry of `plan` (then
 * `fallback`). `deliveries` counts, per message, what really reached a recipient: an 'ok'
 * answer, and a 'hang' or 'reset' when `processesBeforeFailing` is set (the provider did its
 * work and the answer was lost, the case that can deliver twice).
 */
export class FaultyProvider {
  readonly requests: RecordedRequest[] = [];
  readonly deliveries = new Map<string, number>();
  plan: Fault[] = [];
  fallback: Fault = 'ok';
  processesBeforeFailing = false;
  /** Time each answer takes, to make concurrent runs overlap. */
  latencyMs = 0;
  /** How long a 'hang' holds the connection before dropping it. */
  hangMs = 1_000;
  private readonly accepted = new Map<string, string>();
  private sequence = 0;
  private readonly server: HttpServer;

  constructor(private readonly options: FaultyProviderOptions) {
    this.server = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
        if (this.latencyMs) setTimeout(() => this.answer(request, res), this.latencyMs);
        else this.answer(request, res);
      });
    });
  }

  async start(): Promise<string> {
    return `http://127.0.0.1:${await listen(this.server, 0)}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Total deliveries, and the largest count for one message (1 = exactly once). */
  get totalDelivered(): number {
    return [...this.deliveries.values()].reduce((a, b) => a + b, 0);
  }

  private process(request: RecordedRequest): { id: string; delivered: boolean } {
    const key = this.options.idempotencyKey?.(request);
    const known = key ? this.accepted.get(key) : undefined;
    if (known) return { id: known, delivered: false };
    const id = `provider-msg-${++this.sequence}`;
    if (key) this.accepted.set(key, id);
    const message = this.options.messageKey(request);
    this.deliveries.set(message, (this.deliveries.get(message) ?? 0) + 1);
    return { id, delivered: true };
  }

  private answer(request: RecordedRequest, res: ServerResponse): void {
    this.requests.push(request);
    // No kept-alive sockets: a client reusing one this server dropped would fail its next
    // request before it reaches the server.
    res.shouldKeepAlive = false;
    const fault = this.plan.shift() ?? this.fallback;
    if (fault === 'ok') return this.options.ok(request, res, this.process(request));
    if (fault === 'error') return this.options.error(request, res);
    if (this.processesBeforeFailing) this.process(request);
    if (fault === 'reset') res.socket?.destroy();
    // 'hang': no answer. The connection is dropped a little after the client's deadline (as a
    // load balancer's idle timeout would): a client that keeps an aborted request's socket in
    // its pool would otherwise queue its next request behind it.
    else setTimeout(() => res.socket?.destroy(), this.hangMs).unref();
  }
}

type S3Mode = 'forward' | 'error' | 'reset' | 'hang';

/**
 * An S3-compatible endpoint in front of `target` (s3rver). 'forward' passes requests through;
 * 'error' answers 500 InternalError; 'reset' closes the connection without an answer; 'hang'
 * never answers. Writes (PUT/POST) take the next entry of `writePlan` first, so a test can fail
 * the second file of a message; everything else follows `mode`.
 */
export class FaultyS3 {
  mode: S3Mode = 'forward';
  writePlan: S3Mode[] = [];
  readonly requests: { method: string; url: string; mode: S3Mode }[] = [];
  private readonly server: HttpServer;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createHttpServer((req, res) => {
      const write = req.method === 'PUT' || req.method === 'POST';
      const mode = (write ? this.writePlan.shift() : undefined) ?? this.mode;
      this.requests.push({ method: req.method!, url: req.url!, mode });
      // No kept-alive sockets, which dropConnections() would leave clients to fail on.
      res.shouldKeepAlive = false;
      if (mode === 'hang') return;
      if (mode === 'reset') {
        req.socket.destroy();
        return;
      }
      if (mode === 'error') {
        req.resume();
        req.on('end', () => {
          res.writeHead(500, { 'content-type': 'application/xml', connection: 'close' });
          res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>fault</RequestId></Error>');
        });
        return;
      }
      const upstream = httpRequest(
        { host: this.target.host, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, { ...answer.headers, connection: 'close' });
          answer.pipe(res);
        },
      );
      upstream.on('error', () => req.socket.destroy());
      req.pipe(upstream);
    });
  }

  async start(): Promise<string> {
    return `http://127.0.0.1:${await listen(this.server, 0)}`;
  }

  /** Writes that reached the endpoint while it was failing. */
  failedWrites(): number {
    return this.requests.filter((r) => r.mode !== 'forward' && (r.method === 'PUT' || r.method === 'POST')).length;
  }

  /** Ends requests left hanging. */
  dropConnections(): void {
    this.server.closeAllConnections();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A started proxy in front of the PostgreSQL server at `serverUrl`, and the URL of `handle`'s own
 * database through it: the app's client opened on that URL sees an outage when the proxy is cut.
 */
export async function proxiedTestDatabase(serverUrl: string, handle: DatabaseHandle): Promise<{ proxy: TcpProxy; url: string }> {
  const [row] = (await handle.db.execute(sql`select current_database() as name`)) as unknown as { name: string }[];
  const target = new URL(serverUrl);
  const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  await proxy.start();
  const url = new URL(withDatabaseName(serverUrl, row!.name));
  url.host = proxy.url;
  return { proxy, url: url.toString() };
}
