/**
 * The one bounded HTTP client for everything eksdoctor asks over HTTP itself (the endpoint probe, the
 * Kubernetes API, the token replay to STS). Connections are opened stage by stage (connect.ts) and
 * kept alive per client; every call has its own deadline and signal, its body is capped, and a 429 or
 * 5xx that carries Retry-After is retried as client-go's rest client does (request.go checkWait).
 */
import { Agent, request as httpRequest, type ClientRequestArgs, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { openConnection, race, isTimeout, type ConnectInfo, type ConnectTarget, type TlsSettings } from './connect.js';
import { deadline } from '../../shared/deadline.js';
import { classifyNetError, DeadlineError, NetError, type NetFailure } from './failure.js';
import { proxyFor } from './proxy.js';

export interface ServerUrl extends ConnectTarget {
  /** Path prefix of the server URL without a trailing slash (proxies such as Rancher mount the API under one). */
  basePath: string;
}

export function parseServerUrl(server: string): ServerUrl | undefined {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const https = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return undefined;
  return { host, port: url.port ? Number(url.port) : https ? 443 : 80, https, basePath: url.pathname.replace(/\/+$/, '') };
}

export interface HttpClientOptions {
  /** `https://host[:port][/base]`. */
  server: string;
  tls?: TlsSettings;
  /** The environment whose HTTPS_PROXY / NO_PROXY apply; the cluster's `proxy-url` wins over it. */
  env?: NodeJS.ProcessEnv;
  proxyUrl?: string;
  /** Sent with every request (Authorization, User-Agent); never returned. */
  headers?: Record<string, string>;
  /** Largest body read; more is `response-too-large`. */
  maxResponseBytes: number;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  /** Path and query, after the server's base path. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Bound for this call, from the first byte sent to the last byte read, retries included. */
  timeoutMs: number;
  /** The caller's deadline (the check's signal). */
  signal?: AbortSignal;
  /** Retry a 429/5xx that carries Retry-After (default true: every request eksdoctor makes is a read or a non-persisting review). */
  retry?: boolean;
}

export type HttpAnswer =
  | { ok: true; status: number; headers: IncomingMessage['headers']; body: string; connection?: ConnectInfo; retries: number }
  /** `status` is set when the server had begun to answer (a body cut short or too large). */
  | (NetFailure & { connection?: ConnectInfo; retries: number; status?: number });

/** client-go rest.Request: at most 10 retries, each waiting what Retry-After says. */
const MAX_RETRIES = 10;
/** A server asking for longer than this is treated as not answering: the run has a deadline. */
const MAX_RETRY_AFTER_MS = 10_000;

interface ConnectRequest {
  connectSignal: AbortSignal;
  connectInfo: ConnectInfo;
}

/** A keep-alive agent whose new connections go through the staged connector (DNS, TCP, proxy, TLS). */
class StagedAgent extends Agent {
  constructor(
    private readonly target: ConnectTarget,
    private readonly tls: TlsSettings | undefined,
    private readonly proxy: URL | undefined,
  ) {
    super({ keepAlive: true, maxSockets: 8 });
  }

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    const { connectSignal, connectInfo } = options as ClientRequestArgs & ConnectRequest;
    openConnection({ target: this.target, tls: this.tls, proxy: this.proxy, signal: connectSignal, info: connectInfo }).then(
      (socket) => callback?.(null, socket),
      (err: Error) => callback?.(err, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

export class HttpClient {
  readonly #target: ServerUrl | undefined;
  readonly #agent: StagedAgent | undefined;
  readonly #opts: HttpClientOptions;
  readonly #where: string;

  constructor(opts: HttpClientOptions) {
    this.#opts = opts;
    this.#target = parseServerUrl(opts.server);
    this.#where = this.#target ? `${this.#target.host}:${this.#target.port}` : opts.server;
    if (this.#target) this.#agent = new StagedAgent(this.#target, this.#target.https ? opts.tls : undefined, proxyFor(this.#target, opts.env ?? {}, opts.proxyUrl));
  }

  get target(): ServerUrl | undefined {
    return this.#target;
  }

  close(): void {
    this.#agent?.destroy();
  }

  async request(call: HttpCall): Promise<HttpAnswer> {
    if (!this.#target || !this.#agent) return { ok: false, stage: 'dns', problem: 'invalid-url', message: `server "${this.#opts.server}" is not an http(s) URL`, retries: 0 };
    const bound = deadline(call.timeoutMs, call.signal);
    try {
      let retries = 0;
      for (;;) {
        const answer = await this.#once(call, bound.signal, retries);
        const wait = answer.ok && call.retry !== false ? retryAfterMs(answer.status, answer.headers) : undefined;
        if (wait === undefined || retries >= MAX_RETRIES) return answer;
        retries++;
        try {
          await sleep(wait, undefined, { signal: bound.signal });
        } catch {
          return answer; // the deadline came first: the last answer is the answer
        }
      }
    } finally {
      bound.dispose();
    }
  }

  /** One request; a reused keep-alive socket that the server closed while idle is retried once on a fresh one. */
  async #once(call: HttpCall, deadline: AbortSignal, retries: number): Promise<HttpAnswer> {
    const first = await this.#send(call, deadline, retries);
    if (first !== STALE) return first;
    const second = await this.#send(call, deadline, retries);
    return second !== STALE ? second : { ok: false, stage: 'http', problem: 'http-other', code: 'ECONNRESET', message: `${this.#where} reset the connection before answering`, retries };
  }

  #send(call: HttpCall, deadline: AbortSignal, retries: number): Promise<HttpAnswer | typeof STALE> {
    const target = this.#target!;
    const connectInfo: ConnectInfo = { stages: {} };
    const payload = call.body === undefined ? undefined : Buffer.from(call.body);
    return new Promise((resolve) => {
      let settled = false;
      let reused = false;
      let answered = false;
      let req: ReturnType<typeof httpRequest> | undefined;
      const onAbort = () => req?.destroy(new DeadlineError(isTimeout(deadline.reason) ? 'ETIMEDOUT' : 'ABORT_ERR'));
      const finish = (a: HttpAnswer | typeof STALE) => {
        if (settled) return;
        settled = true;
        deadline.removeEventListener('abort', onAbort);
        resolve(a);
      };
      const fail = (err: unknown, stage: 'http' = 'http') => {
        const e = err instanceof NetError ? err : classifyNetError(err instanceof Error && err.name === 'AbortError' ? new DeadlineError(isTimeout(deadline.reason) ? 'ETIMEDOUT' : 'ABORT_ERR') : err, stage, this.#where, call.timeoutMs);
        finish({ ...e.failure(), ...(Object.keys(connectInfo.stages).length > 0 && { connection: connectInfo }), retries });
      };
      try {
        req = httpRequest({
          host: target.host,
          port: target.port,
          method: call.method,
          path: `${target.basePath}${call.path}`,
          agent: this.#agent,
          headers: { ...this.#opts.headers, ...call.headers, ...(payload && { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) }) },
          // Read by StagedAgent.createConnection: a new connection is bounded by this call's deadline.
          ...({ connectSignal: deadline, connectInfo } satisfies ConnectRequest),
        });
      } catch (err) {
        // Synchronous refusals, e.g. ERR_INVALID_CHAR for a token with a newline (Node's message names the header, not its value).
        const code = (err as { code?: string }).code;
        return finish({ ok: false, stage: 'http', problem: 'http-other', ...(code && { code }), message: `the request could not be sent: ${code ?? 'invalid request'}`, retries });
      }
      if (deadline.aborted) onAbort();
      else deadline.addEventListener('abort', onAbort, { once: true });
      req.once('socket', (socket: Socket) => {
        reused = !socket.connecting && Object.keys(connectInfo.stages).length === 0;
      });
      req.on('error', (err) => {
        const code = (err as { code?: string }).code;
        if (reused && !answered && (code === 'ECONNRESET' || code === 'EPIPE')) return finish(STALE);
        fail(err);
      });
      req.once('response', (res: IncomingMessage) => {
        answered = true;
        const status = res.statusCode ?? 0;
        const max = this.#opts.maxResponseBytes;
        const tooLarge = () => {
          finish({ ok: false, stage: 'http', problem: 'response-too-large', status, message: `the answer (HTTP ${status}) exceeded ${max} bytes and was cut off`, retries });
          req.destroy(); // stop reading: a hostile server sending 1 GB costs us `max`, not 1 GB
        };
        if (Number(res.headers['content-length']) > max) return tooLarge();
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > max) return tooLarge();
          chunks.push(chunk);
        });
        res.once('error', () => finish({ ok: false, stage: 'http', problem: 'response-truncated', status, message: 'the connection closed before the whole answer arrived', retries }));
        res.once('end', () => finish({ ok: true, status, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ...(Object.keys(connectInfo.stages).length > 0 && { connection: connectInfo }), retries }));
        res.once('close', () => {
          if (!res.complete) finish({ ok: false, stage: 'http', problem: 'response-truncated', status, message: 'the connection closed before the whole answer arrived', retries });
        });
      });
      req.end(payload);
    });
  }
}

const STALE = Symbol('stale keep-alive socket');

/** client-go request.go checkWait: only 429 and 5xx, and only with a Retry-After of whole seconds. */
function retryAfterMs(status: number, headers: IncomingMessage['headers']): number | undefined {
  if (status !== 429 && (status < 500 || status > 599)) return undefined;
  const raw = headers['retry-after'];
  const seconds = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : undefined;
  if (seconds === undefined) return undefined;
  return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
}

export { race };
