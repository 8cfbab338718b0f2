import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeEndpoint } from '../../src/facts/kube-probe.js';
import { isPemCertificate } from '../../src/facts/net/connect.js';
import { classifyNetError, DeadlineError, type NetStage } from '../../src/facts/net/failure.js';
import { parseServerUrl } from '../../src/facts/net/http.js';
import { signWithNodeCrypto } from '../../packages/eks-emulator/src/kube/tls.js';
import { endedAfter } from '../helpers/timing.js';

// --- certificates: node-forge builds the X.509, node:crypto makes keys and signs (forge's RSA is slow) ---

interface Key { publicKey: forge.pki.PublicKey; privateKeyPem: string }
interface Issued { certPem: string; cert: forge.pki.Certificate; key: Key }

function rsaKey(): Key {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { publicKey: forge.pki.publicKeyFromPem(publicKey), privateKeyPem: privateKey };
}

const DAY = 24 * 3600 * 1000;

function issue(opts: {
  cn: string; key: Key; issuer?: Issued; ca?: boolean; altNames?: { type: number; value?: string; ip?: string }[];
  notBefore?: Date; notAfter?: Date;
}): Issued {
  const cert = forge.pki.createCertificate();
  cert.publicKey = opts.key.publicKey;
  const serial = randomBytes(12);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = opts.notBefore ?? new Date(Date.now() - DAY);
  cert.validity.notAfter = opts.notAfter ?? new Date(Date.now() + DAY);
  cert.setSubject([{ name: 'commonName', value: opts.cn }]);
  cert.setIssuer(opts.issuer ? opts.issuer.cert.subject.attributes : [{ name: 'commonName', value: opts.cn }]);
  cert.setExtensions(opts.ca
    ? [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }]
    : [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
       { name: 'extKeyUsage', serverAuth: true }, { name: 'subjectAltName', altNames: opts.altNames ?? [] }]);
  signWithNodeCrypto(cert, (opts.issuer?.key ?? opts.key).privateKeyPem);
  return { certPem: forge.pki.certificateToPem(cert), cert, key: opts.key };
}

const LOCAL = [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }];

// --- servers ---

const servers: Server[] = [];
const sockets = new Set<Socket>();

async function listen(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

const VERSION = { major: '1', minor: '31', gitVersion: 'v1.31.2-eks-7f9249a', gitCommit: 'abc', platform: 'linux/amd64' };

let caPem: string;
let otherCaPem: string;
const url: Record<string, string> = {};

beforeAll(async () => {
  const caKey = rsaKey();
  const otherKey = rsaKey();
  const serverKey = rsaKey();
  const ca = issue({ cn: 'kubernetes', key: caKey, ca: true });
  const otherCa = issue({ cn: 'kubernetes', key: otherKey, ca: true }); // same name, other key: a re-created cluster
  caPem = ca.certPem;
  otherCaPem = otherCa.certPem;
  const good = issue({ cn: 'kube-apiserver', key: serverKey, issuer: ca, altNames: LOCAL });
  const wrongName = issue({ cn: 'kube-apiserver', key: serverKey, issuer: ca, altNames: [{ type: 2, value: 'abc.gr7.us-west-2.eks.amazonaws.com' }] });
  const expired = issue({ cn: 'kube-apiserver', key: serverKey, issuer: ca, altNames: LOCAL, notBefore: new Date(Date.now() - 3 * DAY), notAfter: new Date(Date.now() - DAY) });
  const selfSigned = issue({ cn: 'localhost', key: serverKey, altNames: LOCAL });

  const versionHandler = (req: { url?: string }, res: import('node:http').ServerResponse) => {
    if (req.url === '/version' || req.url === '/prefix/version') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(VERSION));
    } else res.writeHead(404).end('404 page not found');
  };
  const tlsOpts = (i: Issued) => ({ cert: i.certPem + ca.certPem, key: i.key.privateKeyPem });

  url.good = `https://127.0.0.1:${await listen(createHttpsServer(tlsOpts(good), versionHandler))}`;
  url.anonymousDenied = `https://localhost:${await listen(createHttpsServer(tlsOpts(good), (_req, res) => {
    // EKS with anonymous auth off answers like this (a real Status body).
    res.writeHead(401, { 'content-type': 'application/json' })
      .end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 }));
  }))}`;
  url.wrongName = `https://127.0.0.1:${await listen(createHttpsServer(tlsOpts(wrongName), versionHandler))}`;
  url.expired = `https://127.0.0.1:${await listen(createHttpsServer(tlsOpts(expired), versionHandler))}`;
  url.selfSigned = `https://127.0.0.1:${await listen(createHttpsServer({ cert: selfSigned.certPem, key: serverKey.privateKeyPem }, versionHandler))}`;
  url.otherCa = `https://127.0.0.1:${await listen(createHttpsServer({ cert: issue({ cn: 'kube-apiserver', key: serverKey, issuer: otherCa, altNames: LOCAL }).certPem, key: serverKey.privateKeyPem }, versionHandler))}`;
  const foreignCa = issue({ cn: 'corp-proxy-ca', key: otherKey, ca: true }); // e.g. a TLS-inspecting proxy
  url.foreignCa = `https://127.0.0.1:${await listen(createHttpsServer({ cert: issue({ cn: 'kube-apiserver', key: serverKey, issuer: foreignCa, altNames: LOCAL }).certPem, key: serverKey.privateKeyPem }, versionHandler))}`;
  url.plainHttp = `http://127.0.0.1:${await listen(createHttpServer(versionHandler))}`;
  // Accepts TCP, never says a word: the TLS handshake hangs.
  url.silentTcp = `https://127.0.0.1:${await listen(createNetServer(() => undefined))}`;
  // Completes the TLS handshake, never answers HTTP.
  url.silentHttp = `https://127.0.0.1:${await listen(createTlsServer(tlsOpts(good), () => undefined))}`;
  // Speaks plain HTTP where TLS is expected.
  url.httpOnHttps = url.plainHttp.replace('http:', 'https:');
  // A port that was open a moment ago and is closed now.
  const closed = createNetServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const closedPort = (closed.address() as { port: number }).port;
  await new Promise<void>((r) => closed.close(() => r()));
  url.closed = `https://127.0.0.1:${closedPort}`;
}, 30_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
});

const T = 800; // every probe here is bounded by this; wall-clock asserts allow 2×

describe('probeEndpoint: a healthy endpoint', () => {
  it('walks TCP → TLS → /version and returns the version (no DNS for an IP literal)', async () => {
    const r = await probeEndpoint(url.good!, { tls: { ca: caPem }, timeoutMs: T });
    expect(r).toMatchObject({ ok: true, address: '127.0.0.1', httpStatus: 200, version: { gitVersion: 'v1.31.2-eks-7f9249a', major: '1', minor: '31' } });
    if (!r.ok) return;
    expect(r.stages.dnsMs).toBeUndefined();
    expect(r.stages.tcpMs).toBeGreaterThanOrEqual(0);
    expect(r.stages.tlsMs).toBeGreaterThanOrEqual(0);
    expect(r.certificate).toMatchObject({ issuer: 'CN=kubernetes', subject: 'CN=kube-apiserver' });
  });

  it('resolves a hostname and times the lookup; a 401 on /version still proves reachability', async () => {
    const r = await probeEndpoint(url.anonymousDenied!, { tls: { ca: caPem }, timeoutMs: T });
    expect(r).toMatchObject({ ok: true, httpStatus: 401 });
    if (r.ok) {
      expect(r.version).toBeUndefined();
      expect(r.stages.dnsMs).toBeGreaterThanOrEqual(0);
      expect(r.addresses?.length).toBeGreaterThan(0);
    }
  });

  it('keeps a path prefix of the server URL', async () => {
    const r = await probeEndpoint(`${url.good}/prefix/`, { tls: { ca: caPem }, timeoutMs: T });
    expect(r).toMatchObject({ ok: true, httpStatus: 200, version: { gitVersion: 'v1.31.2-eks-7f9249a' } });
  });

  it('skips TLS for an http:// server', async () => {
    const r = await probeEndpoint(url.plainHttp!, { timeoutMs: T });
    expect(r).toMatchObject({ ok: true, httpStatus: 200 });
    if (r.ok) expect(r.stages.tlsMs).toBeUndefined();
  });
});

describe('probeEndpoint: each stage fails with its own problem', () => {
  it.each([
    ['dns', 'https://eksdoctor-probe.invalid', {}, 'dns-not-found', 'ENOTFOUND'],
    ['tcp', 'closed', {}, 'connect-refused', 'ECONNREFUSED'],
    // EKS cluster CAs are all CN=kubernetes: OpenSSL finds the kubeconfig CA by name, and its key does not verify.
    ['tls', 'otherCa', {}, 'tls-untrusted', 'CERT_SIGNATURE_FAILURE'],
    ['tls', 'foreignCa', {}, 'tls-untrusted', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
    ['tls', 'selfSigned', {}, 'tls-untrusted', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['tls', 'wrongName', {}, 'tls-hostname', 'ERR_TLS_CERT_ALTNAME_INVALID'],
    ['tls', 'expired', {}, 'tls-expired', 'CERT_HAS_EXPIRED'],
    ['tls', 'httpOnHttps', {}, 'tls-other', undefined],
  ] as const)('%s: %s → %s', async (stage, which, extra, problem, code) => {
    const server = which.startsWith('https://') ? which : url[which]!;
    const r = await probeEndpoint(server, { tls: { ca: caPem }, timeoutMs: T, ...extra });
    expect(r).toMatchObject({ ok: false, stage, problem });
    if (!r.ok && code) expect(r.code).toBe(code);
    if (!r.ok) expect(r.elapsedMs).toBeLessThan(2 * T);
  });

  it('the CA of another cluster (same CN, other key) is untrusted, and the server certificate is reported', async () => {
    const r = await probeEndpoint(url.good!, { tls: { ca: otherCaPem }, timeoutMs: T });
    expect(r).toMatchObject({ ok: false, stage: 'tls', problem: 'tls-untrusted', certificate: { issuer: 'CN=kubernetes' } });
    if (!r.ok) expect(r.stages.tcpMs).toBeGreaterThanOrEqual(0);
  });

  it('a chain with the wrong name fails on the name only after the chain is trusted', async () => {
    const r = await probeEndpoint(url.wrongName!, { tls: { ca: otherCaPem }, timeoutMs: T });
    expect(r).toMatchObject({ problem: 'tls-untrusted' });
  });

  it('with insecure-skip-tls-verify, an untrusted certificate passes but the problem is kept', async () => {
    const r = await probeEndpoint(url.otherCa!, { tls: { ca: caPem, insecure: true }, timeoutMs: T });
    expect(r).toMatchObject({ ok: true, httpStatus: 200, insecureProblem: { problem: 'tls-untrusted' } });
  });

  it('certificate-authority data that is not PEM is reported, not silently trusted as nothing', async () => {
    const r = await probeEndpoint(url.good!, { tls: { ca: 'not a certificate' }, timeoutMs: T });
    expect(r).toMatchObject({ ok: false, stage: 'tls', problem: 'ca-invalid' });
    expect(isPemCertificate(caPem)).toBe(true);
  });

  it('a server that accepts TCP and never speaks TLS ends within the bound', async () => {
    const { result: r, lateMs } = await endedAfter(300, () => probeEndpoint(url.silentTcp!, { tls: { ca: caPem }, timeoutMs: 300 }));
    expect(r).toMatchObject({ ok: false, stage: 'tls', problem: 'tls-timeout', code: 'ETIMEDOUT' });
    expect(lateMs, 'ms after a 300 ms timer started beside it').toBeLessThan(300);
  });

  it('a server that completes TLS and never answers HTTP ends within the bound', async () => {
    const { result: r, lateMs } = await endedAfter(300, () => probeEndpoint(url.silentHttp!, { tls: { ca: caPem }, timeoutMs: 300 }));
    expect(r).toMatchObject({ ok: false, stage: 'http', problem: 'http-timeout', code: 'ETIMEDOUT' });
    if (!r.ok) expect(r.stages.tlsMs).toBeGreaterThanOrEqual(0);
    expect(lateMs, 'ms after a 300 ms timer started beside it').toBeLessThan(300);
  });

  it("the caller's signal ends the probe, classified at the stage it was in", async () => {
    const c = new AbortController();
    setTimeout(() => c.abort(), 50);
    const r = await probeEndpoint(url.silentHttp!, { tls: { ca: caPem }, timeoutMs: 5000, signal: c.signal });
    expect(r).toMatchObject({ ok: false, stage: 'http', problem: 'http-timeout', code: 'ABORT_ERR' });
    if (!r.ok) expect(r.elapsedMs).toBeLessThan(1000);
  });

  it('an already-aborted signal ends at once', async () => {
    const r = await probeEndpoint(url.good!, { tls: { ca: caPem }, timeoutMs: T, signal: AbortSignal.abort() });
    expect(r).toMatchObject({ ok: false, code: 'ABORT_ERR' });
  });

  it('a server that is not a URL', async () => {
    expect(await probeEndpoint('ftp://x', { timeoutMs: T })).toMatchObject({ ok: false, problem: 'invalid-url' });
    expect(await probeEndpoint('', { timeoutMs: T })).toMatchObject({ ok: false, problem: 'invalid-url' });
  });
});

describe('classifyNetError', () => {
  const e = (code: string, message = code) => Object.assign(new Error(message), { code });
  it.each([
    // Node's dns.lookup codes (getaddrinfo): ENOTFOUND for NXDOMAIN, EAI_AGAIN for a resolver failure.
    [e('ENOTFOUND'), undefined, 'dns-not-found'],
    [e('EAI_AGAIN'), undefined, 'dns-failed'],
    [e('ECONNREFUSED'), undefined, 'connect-refused'],
    // The kernel gave up on SYN retries (a private endpoint from outside, a dropped CIDR).
    [e('ETIMEDOUT'), 'tcp', 'connect-timeout'],
    [e('EHOSTUNREACH'), undefined, 'connect-unreachable'],
    [e('ENETUNREACH'), undefined, 'connect-unreachable'],
    [new DeadlineError('ETIMEDOUT'), 'tcp', 'connect-timeout'],
    [new DeadlineError('ETIMEDOUT'), 'dns', 'dns-timeout'],
    [new DeadlineError('ETIMEDOUT'), 'tls', 'tls-timeout'],
    [new DeadlineError('ETIMEDOUT'), undefined, 'http-timeout'],
    [e('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), undefined, 'tls-untrusted'],
    [e('SELF_SIGNED_CERT_IN_CHAIN'), undefined, 'tls-untrusted'],
    [e('DEPTH_ZERO_SELF_SIGNED_CERT'), undefined, 'tls-untrusted'],
    [e('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), undefined, 'tls-hostname'],
    [e('CERT_HAS_EXPIRED'), undefined, 'tls-expired'],
    [e('CERT_NOT_YET_VALID'), undefined, 'tls-expired'],
    [e('EPROTO', 'wrong version number'), undefined, 'tls-other'],
    [e('ECONNRESET', 'socket hang up'), 'http', 'http-other'],
    [new Error('weird'), undefined, 'http-other'],
  ] as const)('%s (%s) → %s', (err, stage, problem) => {
    // Without a known stage the request was past connecting (http); Node's code still decides where it failed.
    expect(classifyNetError(err, (stage ?? 'http') as NetStage, 'host').problem).toBe(problem);
  });
});

describe('parseServerUrl', () => {
  it('reads host, port, scheme and path prefix', () => {
    expect(parseServerUrl('https://ABC.gr7.us-west-2.eks.amazonaws.com')).toEqual({ host: 'abc.gr7.us-west-2.eks.amazonaws.com', port: 443, https: true, basePath: '' });
    expect(parseServerUrl('https://[::1]:6443/k8s/clusters/c-1/')).toEqual({ host: '::1', port: 6443, https: true, basePath: '/k8s/clusters/c-1' });
    expect(parseServerUrl('not a url')).toBeUndefined();
  });
});
