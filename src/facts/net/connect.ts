/**
 * Opens a connection the way a request is really made, one bounded stage at a time: DNS → TCP →
 * (proxy CONNECT tunnel) → TLS, verified by hand against the kubeconfig's CA and name, so each failure
 * names its stage and the peer certificate can be reported whatever the verdict.
 */
import { X509Certificate } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkServerIdentity, connect as tlsConnect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { registerSecret } from '../../shared/redact.js';
import { classifyNetError, DeadlineError, NetError, type NetStage } from './failure.js';

export interface TlsSettings {
  /** PEM of the CA to trust; else the system roots. */
  ca?: string;
  /** kubeconfig `insecure-skip-tls-verify`: report what the certificate is, don't fail on it. */
  insecure?: boolean;
  /** kubeconfig `tls-server-name`: sent as SNI and verified instead of the URL's host. */
  serverName?: string;
  /** A client certificate and key (PEM), from the kubeconfig or the exec plugin. */
  cert?: string;
  key?: string;
}

export interface ConnectTarget {
  host: string;
  port: number;
  https: boolean;
}

export interface StageTimes {
  dnsMs?: number;
  tcpMs?: number;
  proxyMs?: number;
  tlsMs?: number;
}

/** What the connection showed on the way, as evidence. */
export interface ConnectInfo {
  stages: StageTimes;
  /** Every address the name resolved to (a private 10.x/172.16/192.168 answer hints at a private endpoint). */
  addresses?: string[];
  address?: string;
  /** The proxy the connection went through (without credentials). */
  proxy?: string;
  certificate?: PeerCertificate;
  /** The certificate failed verification but `insecure-skip-tls-verify` is set: why it would have failed. */
  insecureProblem?: { problem: string; code?: string };
}

export interface PeerCertificate {
  subject: string;
  issuer: string;
  subjectAltName?: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
}

export interface ConnectOptions {
  target: ConnectTarget;
  tls?: TlsSettings;
  proxy?: URL;
  signal: AbortSignal;
  /** Filled as stages complete, so a failure still carries what was learned before it. */
  info: ConnectInfo;
}

const MAX_PROXY_ANSWER_BYTES = 16 * 1024;

/** Resolves to a connected (and, for https, verified) socket; rejects with a NetError naming the stage. */
export async function openConnection(o: ConnectOptions): Promise<Socket> {
  const { target, info } = o;
  const hop = o.proxy ? { host: o.proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(o.proxy.port || (o.proxy.protocol === 'https:' ? 443 : 80)) } : target;
  if (o.proxy && o.proxy.protocol !== 'http:') throw new NetError('proxy', 'proxy-refused', `proxy ${o.proxy.protocol}// proxies are not supported; use an http:// proxy`);
  if (o.proxy) info.proxy = `${o.proxy.protocol}//${o.proxy.host}`;
  let socket = await connectTcp(hop, o.signal, info);
  try {
    if (o.proxy) socket = await tunnel(socket, o.proxy, target, o.signal, info);
    if (!target.https) return socket;
    return await handshake(socket, target, o.tls ?? {}, o.signal, info);
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

async function connectTcp(hop: { host: string; port: number }, signal: AbortSignal, info: ConnectInfo): Promise<Socket> {
  let addresses: { address: string; family: number }[];
  if (isIP(hop.host)) {
    addresses = [{ address: hop.host, family: isIP(hop.host) }];
  } else {
    const t = performance.now();
    try {
      addresses = await race(lookup(hop.host, { all: true, verbatim: true }), signal);
    } catch (err) {
      throw classifyNetError(err, 'dns', hop.host);
    }
    info.stages.dnsMs = since(t);
    if (addresses.length === 0) throw new NetError('dns', 'dns-not-found', `${hop.host} resolved to no address`, 'ENOTFOUND');
  }
  info.addresses = addresses.map((a) => a.address);
  // Each address in turn while failures are fast (no route for IPv6, a refused port); a timeout ends the stage.
  const t = performance.now();
  let last: unknown;
  for (const a of addresses) {
    info.address = a.address;
    try {
      const socket = await race(tcp(a.address, hop.port, a.family, signal), signal, (s) => s.destroy());
      info.stages.tcpMs = since(t);
      return socket;
    } catch (err) {
      last = err;
      if (signal.aborted) break;
    }
  }
  throw classifyNetError(last, 'tcp', `${info.address ?? hop.host}:${hop.port}`);
}

function tcp(host: string, port: number, family: number, signal: AbortSignal): Promise<Socket> {
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

/** HTTP CONNECT through the proxy (RFC 9110 §9.3.6); the tunnel then carries TLS end to end, so the token never reaches the proxy in clear. */
function tunnel(socket: Socket, proxy: URL, target: ConnectTarget, signal: AbortSignal, info: ConnectInfo): Promise<Socket> {
  const t = performance.now();
  const authority = `${isIP(target.host) === 6 ? `[${target.host}]` : target.host}:${target.port}`;
  const credentials = proxy.username ? Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64') : undefined;
  registerSecret(credentials);
  registerSecret(proxy.password ? decodeURIComponent(proxy.password) : undefined);
  const answer = new Promise<Socket>((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_PROXY_ANSWER_BYTES) fail(new NetError('proxy', 'proxy-refused', 'the proxy answered CONNECT with an oversized header'));
        return;
      }
      socket.off('data', onData);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'));
      if (status?.[1] !== '200') return fail(new NetError('proxy', 'proxy-refused', `the proxy refused the tunnel to ${authority} (${status ? `HTTP ${status[1]}` : 'not an HTTP answer'})`));
      if (head.length > end + 4) socket.unshift(head.subarray(end + 4));
      info.stages.proxyMs = since(t);
      resolve(socket);
    };
    const fail = (err: Error) => {
      socket.off('data', onData);
      reject(err);
    };
    socket.on('data', onData);
    socket.once('error', (err) => fail(classifyNetError(err, 'proxy', authority)));
    socket.once('end', () => fail(new NetError('proxy', 'proxy-refused', `the proxy closed the connection instead of opening a tunnel to ${authority}`)));
  });
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${credentials ? `Proxy-Authorization: Basic ${credentials}\r\n` : ''}\r\n`);
  return race(answer, signal).catch((err) => {
    throw classifyNetError(err, 'proxy', authority);
  });
}

async function handshake(socket: Socket, target: ConnectTarget, tls: TlsSettings, signal: AbortSignal, info: ConnectInfo): Promise<TLSSocket> {
  if (tls.ca !== undefined && !isPemCertificate(tls.ca)) throw new NetError('tls', 'ca-invalid', 'the certificate-authority data is not a PEM certificate');
  const name = tls.serverName || target.host;
  const t = performance.now();
  let secure: TLSSocket;
  try {
    secure = await race(
      new Promise<TLSSocket>((resolve, reject) => {
        const s = tlsConnect({
          socket,
          // SNI may not carry an IP address (RFC 6066 §3).
          ...(isIP(name) ? {} : { servername: name }),
          ...(tls.ca !== undefined && { ca: tls.ca }),
          ...(tls.cert && tls.key && { cert: tls.cert, key: tls.key }),
          // Verification is done below, by hand, so the peer certificate can be reported whatever the verdict.
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
      }),
      signal,
      (s) => s.destroy(),
    );
  } catch (err) {
    throw classifyNetError(err, 'tls', `${target.host}:${target.port}`);
  }
  const peer = secure.getPeerCertificate(true);
  info.certificate = peerCertificate(peer);
  const verdict = verifyPeer(secure, name, peer);
  if (verdict && !tls.insecure) {
    secure.destroy();
    throw verdict;
  }
  if (verdict) info.insecureProblem = { problem: verdict.problem, ...(verdict.code && { code: verdict.code }) };
  info.stages.tlsMs = since(t);
  return secure;
}

/** What `rejectUnauthorized: true` would have decided: the chain first, then the name (as Node's tls does). */
function verifyPeer(s: TLSSocket, name: string, cert: DetailedPeerCertificate): NetError | undefined {
  if (!s.authorized) {
    // Node sets authorizationError to the OpenSSL code string (lib/_tls_wrap.js onConnectSecure).
    const code = String(s.authorizationError ?? 'CERT_UNTRUSTED');
    return classifyNetError(Object.assign(new Error(code), { code }), 'tls', name);
  }
  const err = checkServerIdentity(name, cert);
  return err ? classifyNetError(err, 'tls', name) : undefined;
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

/** Settles with `p`, or rejects with a DeadlineError when `signal` fires; `cleanup` disposes of a late result. */
export function race<T>(p: Promise<T>, signal: AbortSignal, cleanup?: (late: T) => void): Promise<T> {
  const reason = () => (signal.reason instanceof DeadlineError ? signal.reason : new DeadlineError(isTimeout(signal.reason) ? 'ETIMEDOUT' : 'ABORT_ERR'));
  if (signal.aborted) {
    p.then((v) => cleanup?.(v), () => undefined);
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      p.then((v) => cleanup?.(v), () => undefined);
      reject(reason());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) cleanup?.(v);
        else resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** AbortSignal.timeout() aborts with a DOMException named TimeoutError. */
export function isTimeout(reason: unknown): boolean {
  return (reason as { name?: string } | undefined)?.name === 'TimeoutError' || (reason instanceof DeadlineError && reason.code === 'ETIMEDOUT');
}

function since(t: number): number {
  return Math.round((performance.now() - t) * 10) / 10;
}

export type { NetStage };
