import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServingCertificates } from '../../packages/eks-emulator/src/kube/tls.js';
import { createKubeApiClient, kubectlErrorText, type KubeApiClient } from '../../src/facts/kube-api.js';
import { endedAfter } from '../helpers/timing.js';

// A token shaped like the real thing; it must never come back out of the client.
const TOKEN = 'k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotU2lnbmF0dXJlPWFiYw';
const USER = 'arn:aws:sts::111122223333:assumed-role/dev/alice';

/** A real `Status` body (k8s.io/apimachinery metav1.Status), as the API server sends for 401/403/404. */
function status(code: number, reason: string, message: string, details?: object) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}
const UNAUTHORIZED = status(401, 'Unauthorized', 'Unauthorized');
const forbidden = (verb: string, resource: string, ns?: string, name?: string) => status(403, 'Forbidden',
  `${resource}${name ? ` "${name}"` : ''} is forbidden: User "${USER}" cannot ${verb} resource "${resource}" in API group ""${ns ? ` in the namespace "${ns}"` : ' at the cluster scope'}`,
  { ...(name ? { name } : {}), kind: resource });

interface Seen { method: string; url: string; headers: IncomingMessage['headers']; body: unknown; reusedSocket: boolean }
type Handler = (req: Seen, res: ServerResponse) => void;

let server: Server;
let base: string;
let caPem: string;
let handler: Handler;
let seen: Seen[] = [];
let connections = 0;
const sockets = new Set<Socket>();
const served = new WeakSet<object>();
const clients: KubeApiClient[] = [];

const json = (res: ServerResponse, code: number, body: unknown) => res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));

beforeAll(async () => {
  const certs = await createServingCertificates();
  caPem = certs.caPem;
  server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const reusedSocket = served.has(req.socket);
      served.add(req.socket);
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: text ? JSON.parse(text) : undefined, reusedSocket };
      seen.push(s);
      handler(s, res);
    });
  });
  server.on('connection', (s: Socket) => { connections++; sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 30_000);

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  seen = [];
  connections = 0;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

interface ClientOver { server?: string; caPem?: string; token?: string; timeoutMs?: number; signal?: AbortSignal; maxResponseBytes?: number }

/** A client whose calls all take the same per-call bound and signal (the product passes each check's own). */
function client(over: ClientOver = {}) {
  const o = { server: base, caPem, token: TOKEN, timeoutMs: 800, ...over };
  const c: KubeApiClient = createKubeApiClient({ server: o.server, caPem: o.caPem, credential: { kind: 'token', token: o.token }, ...(o.maxResponseBytes && { maxResponseBytes: o.maxResponseBytes }) });
  clients.push(c);
  const call = { timeoutMs: o.timeoutMs, signal: o.signal };
  return {
    whoAmI: () => c.whoAmI(call),
    canI: (checks: Parameters<KubeApiClient['canI']>[0]) => c.canI(checks, call),
    rules: (ns: string) => c.rules(ns, call),
    getConfigMap: (ns: string, name: string) => c.getConfigMap(ns, name, call),
    listBindings: () => c.listBindings(call),
    listPods: (ns: string) => c.listPods(ns, call),
    close: () => c.close(),
    inner: c,
  };
}

describe('whoAmI (SelfSubjectReview)', () => {
  const review = (apiVersion: string) => ({
    kind: 'SelfSubjectReview', apiVersion, metadata: { creationTimestamp: null },
    status: { userInfo: {
      username: 'arn:aws:iam::111122223333:role/dev', uid: 'aws-iam-authenticator:111122223333:AROAEXAMPLE',
      groups: ['dev-team', 'system:authenticated'],
      extra: { accessKeyId: ['ASIAEXAMPLE'], arn: [USER], canonicalArn: ['arn:aws:iam::111122223333:role/dev'], sessionName: ['alice'] },
    } },
  });

  it('POSTs authentication.k8s.io/v1 with the bearer token, JSON and our User-Agent', async () => {
    handler = (req, res) => json(res, 201, review('authentication.k8s.io/v1'));
    const r = await client().whoAmI();
    expect(r).toEqual({
      ok: true, apiVersion: 'authentication.k8s.io/v1', username: 'arn:aws:iam::111122223333:role/dev', uid: 'aws-iam-authenticator:111122223333:AROAEXAMPLE',
      groups: ['dev-team', 'system:authenticated'],
      extra: { accessKeyId: ['ASIAEXAMPLE'], arn: [USER], canonicalArn: ['arn:aws:iam::111122223333:role/dev'], sessionName: ['alice'] },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    expect(seen[0]!.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, accept: 'application/json', 'content-type': 'application/json' });
    expect(seen[0]!.headers['user-agent']).toMatch(/^eksdoctor\/\d+\.\d+\.\d+/);
  });

  it('falls back to v1beta1 (1.27) and then v1alpha1 (1.26) on 404', async () => {
    const served = new Set(['/apis/authentication.k8s.io/v1alpha1/selfsubjectreviews']);
    // The API server's mux answers an unknown group/version with a plain-text 404, not a Status.
    handler = (req, res) => (served.has(req.url) ? json(res, 201, review('authentication.k8s.io/v1alpha1')) : res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found'));
    const r = await client().whoAmI();
    expect(r).toMatchObject({ ok: true, apiVersion: 'authentication.k8s.io/v1alpha1', username: 'arn:aws:iam::111122223333:role/dev' });
    expect(seen.map((s) => s.url)).toEqual([
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      '/apis/authentication.k8s.io/v1beta1/selfsubjectreviews',
      '/apis/authentication.k8s.io/v1alpha1/selfsubjectreviews',
    ]);
  });

  it('says so when no version is served (before 1.26)', async () => {
    handler = (_req, res) => res.writeHead(404).end('404 page not found');
    const r = await client().whoAmI();
    expect(r).toMatchObject({ ok: false, status: 404, message: expect.stringContaining('before 1.26') });
    expect(seen).toHaveLength(3);
  });

  it('401 is the answer, not a reason to try older versions', async () => {
    handler = (_req, res) => json(res, 401, UNAUTHORIZED);
    const r = await client().whoAmI();
    expect(r).toEqual({ ok: false, status: 401, reason: 'Unauthorized', message: 'Unauthorized' });
    expect(seen).toHaveLength(1);
    if (!r.ok) expect(kubectlErrorText(r)).toBe('error: You must be logged in to the server (Unauthorized)');
  });

  it('an answer without userInfo is a classified failure', async () => {
    handler = (_req, res) => json(res, 201, { kind: 'SelfSubjectReview', status: {} });
    expect(await client().whoAmI()).toMatchObject({ ok: false, status: 201, problem: 'response-invalid' });
  });
});

describe('canI (SelfSubjectAccessReview)', () => {
  it('asks each question concurrently and returns the verdicts in order', async () => {
    handler = (req, res) => {
      const a = (req.body as { spec: { resourceAttributes: { verb: string; resource: string } } }).spec.resourceAttributes;
      const allowed = a.verb === 'get' && a.resource === 'namespaces';
      json(res, 201, {
        kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: {}, spec: req.body && (req.body as { spec: unknown }).spec,
        status: allowed ? { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "view" of ClusterRole "view" to Group "dev-team"' } : { allowed: false },
      });
    };
    const r = await client().canI([
      { verb: 'get', resource: 'namespaces' },
      { verb: 'list', resource: 'pods', namespace: 'default' },
      { verb: 'create', resource: 'deployments', group: 'apps', namespace: 'prod' },
    ]);
    expect(r).toEqual({ ok: true, results: [
      { verb: 'get', resource: 'namespaces', allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "view" of ClusterRole "view" to Group "dev-team"' },
      { verb: 'list', resource: 'pods', namespace: 'default', allowed: false },
      { verb: 'create', resource: 'deployments', group: 'apps', namespace: 'prod', allowed: false },
    ] });
    const bodies = seen.map((s) => s.body);
    expect(bodies).toContainEqual({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: { resourceAttributes: { verb: 'list', resource: 'pods', group: '', namespace: 'default' } } });
    expect(seen.every((s) => s.url === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')).toBe(true);
  });

  it('keeps an explicit deny and an evaluation error', async () => {
    handler = (_req, res) => json(res, 201, { kind: 'SelfSubjectAccessReview', status: { allowed: false, denied: true, reason: 'webhook says no', evaluationError: 'partial' } });
    expect(await client().canI([{ verb: 'get', resource: 'secrets', namespace: 'kube-system' }])).toEqual({ ok: true, results: [
      { verb: 'get', resource: 'secrets', namespace: 'kube-system', allowed: false, denied: true, reason: 'webhook says no', evaluationError: 'partial' },
    ] });
  });

  it('returns the 401 when the token is refused', async () => {
    handler = (_req, res) => json(res, 401, UNAUTHORIZED);
    expect(await client().canI([{ verb: 'get', resource: 'pods' }, { verb: 'list', resource: 'pods' }])).toMatchObject({ ok: false, status: 401, reason: 'Unauthorized' });
  });
});

describe('rules (SelfSubjectRulesReview)', () => {
  it('returns resource and non-resource rules', async () => {
    handler = (_req, res) => json(res, 201, { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', status: {
      resourceRules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/version', '/healthz'] }],
      incomplete: false,
    } });
    const r = await client().rules('default');
    expect(r).toEqual({
      ok: true, namespace: 'default', incomplete: false,
      resourceRules: [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], resourceNames: [] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/version', '/healthz'] }],
    });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', body: { kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } } });
  });
});

describe('getConfigMap (aws-auth)', () => {
  it('reads data and resourceVersion', async () => {
    handler = (_req, res) => json(res, 200, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'aws-auth', namespace: 'kube-system', resourceVersion: '4242' }, data: { mapRoles: '- rolearn: arn:aws:iam::111122223333:role/dev\n' } });
    expect(await client().getConfigMap('kube-system', 'aws-auth')).toEqual({
      ok: true, name: 'aws-auth', namespace: 'kube-system', resourceVersion: '4242', data: { mapRoles: '- rolearn: arn:aws:iam::111122223333:role/dev\n' },
    });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/api/v1/namespaces/kube-system/configmaps/aws-auth' });
  });

  it('403: the caller may not read it (the Status message and details are kept)', async () => {
    handler = (_req, res) => json(res, 403, forbidden('get', 'configmaps', 'kube-system', 'aws-auth'));
    const r = await client().getConfigMap('kube-system', 'aws-auth');
    expect(r).toEqual({
      ok: false, status: 403, reason: 'Forbidden', details: { name: 'aws-auth', kind: 'configmaps' },
      message: `configmaps "aws-auth" is forbidden: User "${USER}" cannot get resource "configmaps" in API group "" in the namespace "kube-system"`,
    });
  });

  it('404: it does not exist', async () => {
    handler = (_req, res) => json(res, 404, status(404, 'NotFound', 'configmaps "aws-auth" not found', { name: 'aws-auth', kind: 'configmaps' }));
    expect(await client().getConfigMap('kube-system', 'aws-auth')).toMatchObject({ ok: false, status: 404, reason: 'NotFound', message: 'configmaps "aws-auth" not found' });
  });
});

describe('listBindings', () => {
  it('reads ClusterRoleBindings and RoleBindings, following continue tokens', async () => {
    handler = (req, res) => {
      const url = new URL(req.url, 'https://x');
      if (url.pathname.endsWith('/clusterrolebindings')) {
        return json(res, 200, { kind: 'ClusterRoleBindingList', metadata: {}, items: [
          { metadata: { name: 'cluster-admin' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }] },
          { metadata: { name: 'no-subjects' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } },
        ] });
      }
      const page2 = url.searchParams.get('continue') === 'tok-1';
      expect(url.searchParams.get('limit')).toBe('500');
      return json(res, 200, { kind: 'RoleBindingList', metadata: page2 ? {} : { continue: 'tok-1' }, items: [
        page2
          ? { metadata: { name: 'deployers', namespace: 'prod' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'deploy' }, subjects: [{ kind: 'User', name: 'ci-deployer', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 'argo', namespace: 'argocd' }] }
          : { metadata: { name: 'devs', namespace: 'dev' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'Group', name: 'dev-team', apiGroup: 'rbac.authorization.k8s.io' }] },
      ] });
    };
    const r = await client().listBindings();
    expect(r.clusterRoleBindings).toEqual({ ok: true, truncated: false, items: [
      { kind: 'ClusterRoleBinding', name: 'cluster-admin', roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }] },
      { kind: 'ClusterRoleBinding', name: 'no-subjects', roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [] },
    ] });
    expect(r.roleBindings).toMatchObject({ ok: true, truncated: false, items: [
      { kind: 'RoleBinding', name: 'devs', namespace: 'dev', subjects: [{ kind: 'Group', name: 'dev-team' }] },
      { kind: 'RoleBinding', name: 'deployers', namespace: 'prod', subjects: [{ kind: 'User', name: 'ci-deployer' }, { kind: 'ServiceAccount', name: 'argo', namespace: 'argocd' }] },
    ] });
    expect(seen.map((s) => s.url).sort()).toEqual([
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=500',
      '/apis/rbac.authorization.k8s.io/v1/rolebindings?limit=500',
      '/apis/rbac.authorization.k8s.io/v1/rolebindings?limit=500&continue=tok-1',
    ]);
  });

  it('reports each list on its own: one forbidden does not hide the other', async () => {
    handler = (req, res) => (req.url.includes('clusterrolebindings')
      ? json(res, 403, status(403, 'Forbidden', `clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "${USER}" cannot list resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope`, { group: 'rbac.authorization.k8s.io', kind: 'clusterrolebindings' }))
      : json(res, 200, { kind: 'RoleBindingList', metadata: {}, items: [] }));
    const r = await client().listBindings();
    expect(r.clusterRoleBindings).toMatchObject({ ok: false, status: 403, reason: 'Forbidden', details: { group: 'rbac.authorization.k8s.io' } });
    expect(r.roleBindings).toEqual({ ok: true, items: [], truncated: false });
  });
});

describe('listPods: the kubectl Forbidden message', () => {
  it('403 carries the server message kubectl prints', async () => {
    handler = (_req, res) => json(res, 403, forbidden('list', 'pods', 'default'));
    const r = await client().listPods('default');
    expect(r).toMatchObject({ ok: false, status: 403, reason: 'Forbidden', details: { kind: 'pods' } });
    expect(seen[0]!.url).toBe('/api/v1/namespaces/default/pods?limit=1');
    if (!r.ok) {
      // SPEC §9: kubectl's wording, byte for byte.
      expect(kubectlErrorText(r)).toBe(`Error from server (Forbidden): pods is forbidden: User "${USER}" cannot list resource "pods" in API group "" in the namespace "default"`);
    }
  });

  it('200: a first page of names', async () => {
    handler = (_req, res) => json(res, 200, { kind: 'PodList', metadata: { continue: 'x' }, items: [{ metadata: { name: 'coredns-1' } }] });
    expect(await client().listPods('kube-system')).toEqual({ ok: true, namespace: 'kube-system', names: ['coredns-1'], more: true });
  });
});

describe('bad answers are classified, never thrown', () => {
  it('a 200 that is not JSON (a proxy login page)', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>');
    expect(await client().getConfigMap('kube-system', 'aws-auth')).toMatchObject({ ok: false, status: 200, problem: 'response-invalid', message: expect.stringContaining('text/html') });
  });

  it('a body cut short (the connection closes before Content-Length bytes)', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"kind":"ConfigMap","data":{');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    expect(await client().getConfigMap('kube-system', 'aws-auth')).toMatchObject({ ok: false, status: 200, problem: 'response-truncated' });
  });

  it('a JSON body truncated but complete on the wire', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"kind":"ConfigMap","data":{"mapRoles":');
    expect(await client().getConfigMap('kube-system', 'aws-auth')).toMatchObject({ ok: false, status: 200, problem: 'response-invalid' });
  });

  it('an endless body is cut off at the bound, quickly and without buffering it', async () => {
    let sent = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked, no length: the client can't know in advance
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && sent < 1024 ** 3) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => undefined);
      pump();
    };
    // Cut off by the size bound, well before its 5 s timeout: before a 2 s timer started beside it.
    const { result: r, lateMs } = await endedAfter(2000, () => client({ maxResponseBytes: 1024 * 1024, timeoutMs: 5000 }).listPods('default'));
    expect(r).toMatchObject({ ok: false, status: 200, problem: 'response-too-large' });
    expect(lateMs).toBeLessThan(0);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('a declared Content-Length over the bound is refused before reading', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 ** 3) });
      res.write('{');
    };
    expect(await client({ maxResponseBytes: 1024 }).listPods('default')).toMatchObject({ ok: false, problem: 'response-too-large' });
  });

  it('an error that is not a Status keeps the status and a short excerpt', async () => {
    handler = (_req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end(`<html>${'Bad Gateway '.repeat(100)}</html>`);
    const r = await client().listPods('default');
    expect(r).toMatchObject({ ok: false, status: 502, reason: 'BadGateway' });
    if (!r.ok) expect(r.message.length).toBeLessThanOrEqual(201);
  });
});

describe('transport failures and bounds', () => {
  it('a server that never answers ends within the bound as http-timeout', async () => {
    handler = () => undefined;
    const { result: r, lateMs } = await endedAfter(300, () => client({ timeoutMs: 300 }).whoAmI());
    expect(r).toMatchObject({ ok: false, status: 0, problem: 'http-timeout', stage: 'http', code: 'ETIMEDOUT' });
    expect(lateMs, 'ms after a 300 ms timer started beside it').toBeLessThan(300);
  });

  it('a server that sends headers and then stalls mid-body ends within the bound', async () => {
    handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"kind":'); };
    const { result: r, lateMs } = await endedAfter(300, () => client({ timeoutMs: 300 }).getConfigMap('kube-system', 'aws-auth'));
    expect(r).toMatchObject({ ok: false, status: 0, problem: 'http-timeout', code: 'ETIMEDOUT' });
    expect(lateMs, 'ms after a 300 ms timer started beside it').toBeLessThan(300);
  });

  it('a server that hangs up without answering is http-other', async () => {
    handler = (_req, res) => res.socket?.destroy();
    expect(await client().listPods('default')).toMatchObject({ ok: false, status: 0, problem: 'http-other', stage: 'http', code: 'ECONNRESET' });
  });

  it('a server that accepts TCP and never speaks TLS is a tls-timeout', async () => {
    const silent = createNetServer((s) => { sockets.add(s); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const r = await client({ server: `https://127.0.0.1:${(silent.address() as { port: number }).port}`, timeoutMs: 300 }).listPods('default');
      expect(r).toMatchObject({ ok: false, status: 0, problem: 'tls-timeout', stage: 'tls', code: 'ETIMEDOUT' });
    } finally {
      for (const s of sockets) if (s.localPort === (silent.address() as { port: number }).port) s.destroy();
      silent.close();
    }
  });

  it("the caller's signal ends calls in flight", async () => {
    handler = () => undefined;
    const c = new AbortController();
    setTimeout(() => c.abort(), 50);
    const r = await client({ timeoutMs: 5000, signal: c.signal }).canI([{ verb: 'get', resource: 'pods' }]);
    expect(r).toMatchObject({ ok: false, status: 0, problem: 'http-timeout', code: 'ABORT_ERR' });
  });

  it.each([
    ['no CA given: the system roots do not trust the cluster CA', () => ({ caPem: undefined as string | undefined }), 'tls-untrusted', 'tls'],
    ['a closed port', () => ({ server: 'https://127.0.0.1:1' }), 'connect-refused', 'tcp'],
    ['an unknown host', () => ({ server: 'https://eksdoctor-api.invalid' }), 'dns-not-found', 'dns'],
    ['a hostname the certificate does not name', () => ({ server: base.replace('127.0.0.1', '[::ffff:127.0.0.1]') }), 'tls-hostname', 'tls'],
    ['certificate-authority data that is not PEM', () => ({ caPem: 'garbage' }), 'ca-invalid', 'tls'],
    ['a server URL that is not one', () => ({ server: 'prod-cluster' }), 'invalid-url', 'dns'],
  ] as const)('%s → %s', async (_, over, problem, stage) => {
    handler = (_req, res) => json(res, 200, { kind: 'PodList', items: [] });
    const r = await client(over()).listPods('default');
    expect(r).toMatchObject({ ok: false, status: 0, problem });
    if (!r.ok) expect(r.stage).toBe(stage);
  });

  it('a keep-alive connection reset on reuse is retried once on a new one', async () => {
    let resets = 0;
    handler = (req, res) => {
      if (req.reusedSocket && resets === 0) { resets++; res.socket?.destroy(); return; }
      json(res, 200, { kind: 'PodList', metadata: {}, items: [] });
    };
    const c = client();
    expect(await c.listPods('a')).toMatchObject({ ok: true });
    expect(await c.listPods('b')).toMatchObject({ ok: true });
    expect(resets).toBe(1);
    expect(connections).toBe(2);
  });

  it('sequential calls share one keep-alive connection', async () => {
    handler = (_req, res) => json(res, 200, { kind: 'PodList', metadata: {}, items: [] });
    const c = client();
    await c.listPods('a');
    await c.listPods('b');
    await c.getConfigMap('kube-system', 'aws-auth').catch(() => undefined);
    expect(connections).toBe(1);
  });
});

describe('the token stays inside the request', () => {
  it('a token that cannot be a header value is refused without a throw and without echoing it', async () => {
    const bad = `${TOKEN}\nX-Injected: 1`;
    const r = await client({ token: bad }).whoAmI();
    expect(r).toMatchObject({ ok: false, status: 0, code: 'ERR_INVALID_CHAR' });
    expect(JSON.stringify(r)).not.toContain(TOKEN.slice(12));
  });

  it('is redacted from messages that echo it, and is not in the client object', async () => {
    handler = (req, res) => json(res, 401, status(401, 'Unauthorized', `invalid bearer token ${String(req.headers.authorization)}`));
    const c = client();
    const r = await c.whoAmI();
    expect(JSON.stringify(r)).not.toContain(TOKEN.slice(12));
    expect(r).toMatchObject({ ok: false, status: 401, message: 'invalid bearer token Bearer k8s-aws-v1.…' });
    expect(JSON.stringify(c.inner)).not.toContain(TOKEN.slice(12));
    expect(inspect(c.inner, { depth: 5, showHidden: true })).not.toContain(TOKEN.slice(12));
  });
});
