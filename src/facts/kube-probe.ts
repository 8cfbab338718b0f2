/**
 * Can this machine reach the Kubernetes API server at all? One bounded, timed stage at a time, the
 * way a connection is really made: DNS → TCP → TLS (verified against the kubeconfig's CA and the
 * hostname) → an anonymous `GET /version`. Each failure names its stage and a precise problem, so a
 * private-only endpoint (TCP never completes), a stale CA and a wrong hostname read differently.
 *
 * Transport: node:dns/net/tls/http, not @kubernetes/client-node. Measured on Node 20.20 in this repo
 * (`node -e` with process.hrtime/memoryUsage, 3 runs each): `import('@kubernetes/client-node')`
 * 545–592 ms, RSS 111–122 MB, heap 41–44 MB; `import` of node:https+dns+net+tls 12–15 ms, RSS 44 MB;
 * bare `node -e 0` RSS 39 MB; this module and kube-api.ts together (compiled) 18–21 ms, RSS 47 MB.
 * client-node would spend most of SPEC §6's 150 MB and cold-start budget; its KubeConfig runs exec
 * plugins itself (we already ran the plugin once and hold the token); its generated client fetches
 * through node-fetch 2 with no size or timeout option (dist/gen/http/isomorphic-fetch.js), and a
 * FetchError does not say which stage failed.
 * Stages here are explicit, so each is timed and bounded on its own.
 */
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { X509Certificate } from 'node:crypto';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import { VERSION } from '../cli/version.js';

export const USER_AGENT = `eksdoctor/${VERSION}`;

export type ProbeStage = 'url' | 'dns' | 'tcp' | 'tls' | 'http';

export type ProbeProblem =
  | 'invalid-url'
  /** ENOTFOUND: the name does not exist (a typo, a deleted cluster, a private-only zone). */
  | 'dns-not-found'
  /** EAI_AGAIN, SERVFAIL, …: the resolver failed; the name may exist. */
  | 'dns-failed'
  | 'dns-timeout'
  | 'connect-refused'
  /** The TCP handshake never completed: a private-only endpoint seen from outside its VPC, or a filtered CIDR. */
  | 'connect-timeout'
  /** EHOSTUNREACH / ENETUNREACH: no route to the address. */
  | 'connect-unreachable'
  | 'connect-failed'
  /** The kubeconfig's certificate-authority data is not a PEM certificate. */
  | 'ca-invalid'
  /** The server's chain does not lead to the given CA (stale kubeconfig, another cluster, a proxy). */
  | 'tls-untrusted'
  | 'tls-hostname'
  /** The server certificate is expired (or not yet valid: clock skew). */
  | 'tls-expired'
  /** TCP connected but the TLS handshake never finished. */
  | 'tls-timeout'
  | 'tls-other'
  /** Connected and handshaken, but no HTTP answer within the bound. */
  | 'http-timeout'
  | 'http-other';

export interface ProbeOptions {
  /** PEM of the CA to trust (kubeconfig `certificate-authority-data` decoded, or the file read); else the system roots. */
  caPem?: string;
  /** kubeconfig `insecure-skip-tls-verify`: report what the certificate is, don't fail on it. */
  insecure?: boolean;
  /** Bound for the whole probe; every stage gets what is left of it. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ProbeStageTimes {
  /** Absent when the host is an IP literal (no lookup). */
  dnsMs?: number;
  tcpMs?: number;
  /** Absent for `http://` servers. */
  tlsMs?: number;
  httpMs?: number;
}

/** `GET /version` (k8s.io/apimachinery pkg/version.Info). */
export interface KubeVersionInfo {
  gitVersion: string;
  major?: string;
  minor?: string;
  platform?: string;
  gitCommit?: string;
  buildDate?: string;
  goVersion?: string;
}

/** What the server presented, as evidence for `cluster/tls-error` and `kubeconfig/ca-mismatch`. */
export interface PeerCertificate {
  subject: string;
  issuer: string;
  subjectAltName?: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
}

export interface ProbeSuccess {
  ok: true;
  /** Every address the name resolved to (a private 10.x/172.16/192.168 answer hints at a private endpoint). */
  addresses: string[];
  /** The address the connection was made to. */
  address: string;
  port: number;
  stages: ProbeStageTimes;
  elapsedMs: number;
  /** The `/version` answer's HTTP status: 200, or 401/403 when anonymous requests are refused (still reachable). */
  httpStatus: number;
  version?: KubeVersionInfo;
  certificate?: PeerCertificate;
  /** The certificate failed verification but `insecure-skip-tls-verify` is set: why it would have failed. */
  insecureProblem?: { problem: ProbeProblem; code?: string };
}

export interface ProbeFailure {
  ok: false;
  stage: ProbeStage;
  problem: ProbeProblem;
  /** Node's error code (`ENOTFOUND`, `ECONNREFUSED`, `CERT_HAS_EXPIRED`, …), or `ETIMEDOUT` / `ABORT_ERR` for our own bounds. */
  code?: string;
  message: string;
  elapsedMs: number;
  /** The stages that completed before the failure. */
  stages: ProbeStageTimes;
  addresses?: string[];
  address?: string;
  port?: number;
  certificate?: PeerCertificate;
}

export type ProbeResult = ProbeSuccess | ProbeFailure;

/** The largest `/version` body we read; the real one is ~300 bytes. */
const VERSION_BODY_LIMIT = 64 * 1024;

/** Walks DNS → TCP → TLS → `GET /version` against `server` (a kubeconfig `server:` URL). Never throws. */
export async function probeEndpoint(server: string, opts: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const stages: ProbeStageTimes = {};
  const target = parseServerUrl(server);
  if (!target) return { ok: false, stage: 'url', problem: 'invalid-url', message: `server "${server}" is not an http(s) URL`, elapsedMs: elapsed(), stages };
  const { host, port, https, basePath } = target;
  const deadline = new Deadline(opts.timeoutMs, opts.signal);
  let tcp: Socket | undefined;
  let tlsSocket: TLSSocket | undefined;
  let addresses: string[] | undefined;
  let address: string | undefined;
  let certificate: PeerCertificate | undefined;
  const failure = (stage: ProbeStage, c: Classified): ProbeFailure => ({
    ok: false, stage, problem: c.problem, ...(c.code ? { code: c.code } : {}), message: c.message, elapsedMs: elapsed(), stages,
    ...(addresses ? { addresses } : {}), ...(address ? { address, port } : {}), ...(certificate ? { certificate } : {}),
  });
  let current: Exclude<ProbeStage, 'url'> = 'dns';
  try {
    // DNS, with the resolver's own order (what Node's http would use).
    let resolved: { address: string; family: number }[];
    if (isIP(host)) {
      resolved = [{ address: host, family: isIP(host) }];
    } else {
      const t = performance.now();
      try {
        resolved = await deadline.race(lookup(host, { all: true, verbatim: true }));
      } catch (err) {
        return failure('dns', classifyTransportError(err, 'dns', { host, port, timeoutMs: opts.timeoutMs }));
      }
      stages.dnsMs = ms(t);
      if (resolved.length === 0) return failure('dns', { problem: 'dns-not-found', code: 'ENOTFOUND', message: `${host} resolved to no address` });
    }
    addresses = resolved.map((r) => r.address);

    // TCP: try each address in turn while failures are fast (no route for IPv6, a refused port);
    // a timeout ends the stage, since the bound is shared.
    current = 'tcp';
    const t = performance.now();
    let lastError: unknown;
    for (const r of resolved) {
      address = r.address;
      try {
        tcp = await deadline.race(connectTcp(r.address, port, r.family, deadline.signal), (s) => s.destroy());
        lastError = undefined;
        break;
      } catch (err) {
        lastError = err;
        if (deadline.aborted) break;
      }
    }
    if (!tcp) return failure('tcp', classifyTransportError(lastError, 'tcp', { host: address ?? host, port, timeoutMs: opts.timeoutMs }));
    stages.tcpMs = ms(t);

    let socket: Socket = tcp;
    let insecureProblem: ProbeSuccess['insecureProblem'];
    if (https) {
      if (opts.caPem !== undefined && !isPemCertificate(opts.caPem)) {
        return failure('tls', { problem: 'ca-invalid', message: 'the certificate-authority data is not a PEM certificate' });
      }
      current = 'tls';
      const t2 = performance.now();
      try {
        // Verification is done below, by hand, so the peer certificate can be reported whatever the verdict.
        tlsSocket = await deadline.race(
          handshake(tcp, { host, ca: opts.caPem }),
          (s) => s.destroy(),
        );
      } catch (err) {
        return failure('tls', classifyTransportError(err, 'tls', { host, port, timeoutMs: opts.timeoutMs }));
      }
      const peer = tlsSocket.getPeerCertificate(true);
      certificate = peerCertificate(peer);
      const verdict = verifyPeer(tlsSocket, host, peer);
      if (verdict && !opts.insecure) return failure('tls', verdict);
      if (verdict) insecureProblem = { problem: verdict.problem, ...(verdict.code ? { code: verdict.code } : {}) };
      stages.tlsMs = ms(t2);
      socket = tlsSocket;
    }

    current = 'http';
    const t3 = performance.now();
    let answer: { status: number; body: string };
    try {
      answer = await deadline.race(getVersion(socket, host, port, basePath));
    } catch (err) {
      return failure('http', classifyTransportError(err, 'http', { host, port, timeoutMs: opts.timeoutMs }));
    }
    stages.httpMs = ms(t3);
    const version = answer.status === 200 ? parseVersion(answer.body) : undefined;
    return {
      ok: true, addresses, address: address!, port, stages, elapsedMs: elapsed(), httpStatus: answer.status,
      ...(version ? { version } : {}), ...(certificate ? { certificate } : {}), ...(insecureProblem ? { insecureProblem } : {}),
    };
  } catch (err) {
    // Not expected (each stage catches its own failures); still a classified result, never a throw.
    return failure(current, classifyTransportError(err, current, { host, port, timeoutMs: opts.timeoutMs }));
  } finally {
    deadline.dispose();
    tlsSocket?.destroy();
    tcp?.destroy();
  }
}

export interface ServerUrl {
  /** Hostname without IPv6 brackets. */
  host: string;
  port: number;
  https: boolean;
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

/** A classified transport failure: which problem, Node's code, and a message without secrets. */
export interface Classified {
  problem: ProbeProblem;
  code?: string;
  message: string;
}

// Node's TLS verification codes are OpenSSL's X509_V_ERR names (node/src/crypto/crypto_common.cc).
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED',
  'CERT_REJECTED', 'INVALID_CA',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
// getaddrinfo results as Node names them (node/lib/internal/errors.js, dns.lookup).
const DNS_NOT_FOUND = new Set(['ENOTFOUND', 'EAI_NONAME', 'ENODATA', 'NXDOMAIN']);
const DNS_FAILED = new Set(['EAI_AGAIN', 'EAI_FAIL', 'ESERVFAIL', 'EREFUSED', 'ECONNREFUSED_DNS', 'EAI_SYSTEM', 'EAI_NODATA']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);

const TLS_MESSAGES: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is not signed by the given certificate authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server chain ends in a self-signed certificate that is not the given certificate authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server presents a self-signed certificate that is not the given certificate authority',
  // EKS cluster CAs are all named CN=kubernetes, so a CA from another (or a re-created) cluster fails this way.
  CERT_SIGNATURE_FAILURE: 'the server certificate was signed by another key than the given certificate authority (a CA of the same name from another cluster)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer of the server certificate is not the given certificate authority',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  CERT_NOT_YET_VALID: 'the server certificate is not yet valid (check the clock)',
};

/**
 * Classifies a Node transport error. `stage` is where it happened when known (the probe knows; a
 * plain request does not, so the code decides). A timeout or abort from our own deadline carries
 * `code` `ETIMEDOUT` or `ABORT_ERR` (see Deadline).
 */
export function classifyTransportError(err: unknown, stage?: Exclude<ProbeStage, 'url'>, where?: { host?: string; port?: number; timeoutMs?: number }): Classified {
  const code = errorCode(err);
  const raw = err instanceof Error ? err.message : String(err);
  const at = where?.host ? ` ${where.host}${where.port ? `:${where.port}` : ''}` : '';
  const name = where?.host ? ` ${where.host}` : '';
  const within = where?.timeoutMs !== undefined ? ` within ${where.timeoutMs} ms` : '';
  const ours = err instanceof DeadlineError;
  const s = stage ?? stageOf(code);
  if (ours) {
    const aborted = code === 'ABORT_ERR';
    const why = aborted ? ' (the run was cancelled)' : within;
    switch (s) {
      case 'dns': return { problem: 'dns-timeout', code, message: `DNS lookup of${name} did not answer${why}` };
      case 'tcp': return { problem: 'connect-timeout', code, message: `TCP connection to${at} did not complete${why}` };
      case 'tls': return { problem: 'tls-timeout', code, message: `TLS handshake with${at} did not complete${why}` };
      default: return { problem: 'http-timeout', code, message: `${at.trim() || 'the server'} accepted the connection but did not answer${why}` };
    }
  }
  if (code && DNS_NOT_FOUND.has(code)) return { problem: 'dns-not-found', code, message: `DNS lookup of${name}: no such host (${code})` };
  if (code && DNS_FAILED.has(code)) return { problem: 'dns-failed', code, message: `DNS lookup of${name} failed (${code}): the resolver did not answer; the name may exist` };
  if (code === 'ECONNREFUSED') return { problem: 'connect-refused', code, message: `connection to${at} refused` };
  if (code === 'ETIMEDOUT' && (s === 'tcp' || s === undefined)) return { problem: 'connect-timeout', code, message: `TCP connection to${at} timed out` };
  if (code && UNREACHABLE.has(code)) return { problem: 'connect-unreachable', code, message: `no route to${at} (${code})` };
  if (code && UNTRUSTED.has(code)) return { problem: 'tls-untrusted', code, message: TLS_MESSAGES[code] ?? `the server certificate is not trusted (${code})` };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { problem: 'tls-hostname', code, message: raw };
  if (code && EXPIRED.has(code)) return { problem: 'tls-expired', code, message: TLS_MESSAGES[code]! };
  if (s === 'dns') return { problem: 'dns-failed', ...(code ? { code } : {}), message: `DNS lookup of${name} failed: ${raw}` };
  if (s === 'tcp') return { problem: 'connect-failed', ...(code ? { code } : {}), message: `TCP connection to${at} failed: ${raw}` };
  if (s === 'tls' || (code && /^ERR_(SSL|TLS)_|^ERR_OSSL|^EPROTO$/.test(code))) {
    return { problem: 'tls-other', ...(code ? { code } : {}), message: `TLS handshake with${at} failed: ${raw}` };
  }
  return { problem: 'http-other', ...(code ? { code } : {}), message: `HTTP request to${at} failed: ${raw}` };
}

function stageOf(code: string | undefined): Exclude<ProbeStage, 'url'> | undefined {
  if (!code) return undefined;
  if (DNS_NOT_FOUND.has(code) || DNS_FAILED.has(code)) return 'dns';
  if (code === 'ECONNREFUSED' || UNREACHABLE.has(code)) return 'tcp';
  if (UNTRUSTED.has(code) || EXPIRED.has(code) || code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'tls';
  return undefined;
}

function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') return (err as { code: string }).code;
  return undefined;
}

/** Thrown by Deadline.race: `ETIMEDOUT` when our bound is reached, `ABORT_ERR` when the caller's signal fired. */
export class DeadlineError extends Error {
  constructor(readonly code: 'ETIMEDOUT' | 'ABORT_ERR') {
    super(code === 'ETIMEDOUT' ? 'timed out' : 'aborted');
    this.name = 'DeadlineError';
  }
}

/** One timer for the whole probe, tied to the caller's signal; each stage races against it. */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.controller.abort(new DeadlineError('ABORT_ERR'));

  constructor(timeoutMs: number, private readonly callerSignal?: AbortSignal) {
    this.timer = setTimeout(() => this.controller.abort(new DeadlineError('ETIMEDOUT')), Math.max(0, timeoutMs));
    if (callerSignal?.aborted) this.onAbort();
    else callerSignal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** Settles with `p`, or rejects with the DeadlineError; `cleanup` disposes of a late result. */
  race<T>(p: Promise<T>, cleanup?: (late: T) => void): Promise<T> {
    const s = this.controller.signal;
    if (s.aborted) {
      p.then((v) => cleanup?.(v), () => undefined);
      return Promise.reject(s.reason as Error);
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        p.then((v) => cleanup?.(v), () => undefined);
        reject(s.reason as Error);
      };
      s.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => { s.removeEventListener('abort', onAbort); if (s.aborted) cleanup?.(v); else resolve(v); },
        (e: unknown) => { s.removeEventListener('abort', onAbort); reject(e instanceof Error ? e : new Error(String(e))); },
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onAbort);
  }
}

/** A pending connect is destroyed when the deadline fires, so no SYN retry outlives the probe. */
function connectTcp(host: string, port: number, family: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, family });
    const onAbort = () => socket.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('close', () => signal.removeEventListener('abort', onAbort));
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners('error');
      socket.on('error', () => undefined); // later errors surface in the next stage
      resolve(socket);
    });
    socket.once('error', (err) => {
      socket.destroy();
      reject(err);
    });
  });
}

function handshake(socket: Socket, opts: { host: string; ca?: string }): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({
      socket,
      host: opts.host,
      // SNI may not carry an IP address (RFC 6066 §3).
      ...(isIP(opts.host) ? {} : { servername: opts.host }),
      ...(opts.ca !== undefined ? { ca: opts.ca } : {}),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    s.once('secureConnect', () => {
      s.removeAllListeners('error');
      s.on('error', () => undefined);
      resolve(s);
    });
    s.once('error', (err) => {
      s.destroy();
      reject(err);
    });
  });
}

/** What `rejectUnauthorized: true` would have decided: the chain first, then the name (as Node's tls does). */
function verifyPeer(s: TLSSocket, host: string, cert: DetailedPeerCertificate): Classified | undefined {
  if (!s.authorized) {
    // Node sets authorizationError to the OpenSSL code string (lib/_tls_wrap.js onConnectSecure).
    const code = String(s.authorizationError ?? 'CERT_UNTRUSTED');
    return classifyTransportError(Object.assign(new Error(code), { code }), 'tls');
  }
  const err = checkServerIdentity(host, cert);
  return err ? classifyTransportError(err, 'tls') : undefined;
}

/** Read once: on Node 20, getPeerCertificate() after getPeerX509Certificate() returns {} (measured). */
function peerCertificate(cert: DetailedPeerCertificate): PeerCertificate | undefined {
  if (!cert || !cert.subject) return undefined;
  const dn = (o: object) => Object.entries(o).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`).join(', ');
  return {
    subject: dn(cert.subject),
    issuer: dn(cert.issuer ?? {}),
    ...(cert.subjectaltname ? { subjectAltName: cert.subjectaltname } : {}),
    validFrom: cert.valid_from,
    validTo: cert.valid_to,
    fingerprint256: cert.fingerprint256,
  };
}

/** Node's `ca` option accepts garbage silently and then trusts nothing; say so instead. */
export function isPemCertificate(pem: string): boolean {
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) return false;
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

/**
 * Anonymous `GET /version` over the connected socket; the body is read up to a small bound.
 * Kubernetes' default ClusterRoleBinding system:public-info-viewer lets system:unauthenticated GET
 * /version, /healthz, /livez, /readyz (kubernetes.io RBAC "Default roles"); a server that limits
 * anonymous auth to health endpoints (KEP-4633, beta in 1.32) answers 401 here, which still proves
 * that DNS, TCP, TLS and the API server's HTTP all work, so any HTTP status counts as reachable.
 */
function getVersion(socket: Socket, host: string, port: number, basePath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host, port, method: 'GET', path: `${basePath}/version`,
      headers: { Accept: 'application/json', 'User-Agent': USER_AGENT },
      createConnection: () => socket,
    });
    req.once('error', reject);
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > VERSION_BODY_LIMIT) {
          res.destroy(); // the status is what proves reachability; the body is a bonus
          resolve({ status: res.statusCode ?? 0, body: '' });
          return;
        }
        chunks.push(chunk);
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.once('error', () => resolve({ status: res.statusCode ?? 0, body: '' }));
    });
    req.end();
  });
}

export function parseVersion(body: string): KubeVersionInfo | undefined {
  try {
    const v = JSON.parse(body) as Record<string, unknown>;
    if (!v || typeof v !== 'object' || typeof v.gitVersion !== 'string') return undefined;
    const out: KubeVersionInfo = { gitVersion: v.gitVersion };
    for (const k of ['major', 'minor', 'platform', 'gitCommit', 'buildDate', 'goVersion'] as const) {
      if (typeof v[k] === 'string') out[k] = v[k] as string;
    }
    return out;
  } catch {
    return undefined;
  }
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}
