/**
 * The emulator's Kubernetes API server: HTTPS on loopback with a CA made at start, EKS-style
 * authentication (authenticate.ts), RBAC + access-policy authorization, discovery, read-only
 * resources, and the three non-persisting self reviews. Every request is recorded in the state;
 * scenario faults for `kube` apply by path prefix.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { applyFault, type EmulatorState } from '../state.js';
import { EksAuthenticator, type AuthenticatedUser } from './authenticate.js';
import { authorize, rulesReview, type AuthorizationSubject } from './authorize.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { openApiV3Discovery, openApiV3Document } from './openapi.js';
import { authenticationModeOf } from './mapping.js';
import { bootstrapRbac, parseRbacObjects, RbacAuthorizer, type RequestAttributes } from './rbac.js';
import { attributesOf, MUTATING_VERBS, requestInfoOf, type RequestInfo } from './request-info.js';
import { apiVersionOf, ClusterObjects, eksGitVersion, findResourceType, REVIEW_RESOURCES, type ResourceType } from './resources.js';
import {
  badRequestStatus,
  forbiddenStatus,
  methodNotAllowedStatus,
  notFoundStatus,
  UNAUTHORIZED,
  writeJson,
  writeStatus,
} from './status.js';
import { toTable, wantsTable } from './table.js';
import { createServingCertificates } from './tls.js';
import { auditEventOf, type AuditedRequest } from '../audit-log.js';
import { capturedObjectsOf } from './audit-capture.js';
import { parseObject, readBody, serveWrite } from './writes.js';
import { isRecord } from './json.js';

export interface KubeApiServer {
  url: string;
  caPem: string;
  close(): Promise<void>;
}

const ANONYMOUS = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

interface Context {
  state: EmulatorState;
  authenticator: EksAuthenticator;
  rbac: RbacAuthorizer;
  objects: ClusterObjects;
  serverAddress: string;
}

export async function startKubeApiServer(state: EmulatorState, opts: { host: string; port?: number }): Promise<KubeApiServer> {
  const certs = await createServingCertificates();
  const defaults = bootstrapRbac();
  const fromScenario = parseRbacObjects(state.scenario.rbac ?? []);
  const roles = [...defaults.roles, ...fromScenario.roles];
  const bindings = [...defaults.bindings, ...fromScenario.bindings];
  const ctx: Context = {
    state,
    authenticator: new EksAuthenticator(state),
    rbac: new RbacAuthorizer(roles, bindings),
    objects: new ClusterObjects(state.scenario, { roles, bindings }, new Date(state.startedAt)),
    serverAddress: '',
  };
  const server = createServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
    handle(ctx, req, res).catch(() => {
      if (!res.headersSent) writeStatus(res, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Internal error occurred', reason: 'InternalError', code: 500 });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  ctx.serverAddress = `${hostPart}:${port}`;
  return {
    url: `https://${hostPart}:${port}`,
    caPem: certs.caPem,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging faults keep sockets open: drop them so close() returns.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://kubernetes');
  const method = (req.method ?? 'GET').toUpperCase();
  const info = requestInfoOf(method, url.pathname, url.searchParams);
  const attrs = attributesOf(info);
  const isReview = info.isResourceRequest && REVIEW_RESOURCES.has(info.resource) && info.verb === 'create';
  const mutating = info.isResourceRequest ? MUTATING_VERBS.has(info.verb) && !isReview : !['GET', 'HEAD', 'OPTIONS'].includes(method);
  const operation = info.isResourceRequest ? `${info.verb} ${info.resource}${info.subresource ? `/${info.subresource}` : ''}` : `${info.verb} ${info.path}`;
  res.on('close', () => {
    ctx.state.record({ service: 'kube', operation, method, path: url.pathname, mutating, status: res.headersSent ? res.statusCode : 0 });
  });
  const receivedAt = Date.now();

  if ((await applyFault(ctx.state.takeFault('kube', url.pathname), res, 'kube')) === 'handled') return;

  const authenticated = authenticateRequest(ctx, req);
  // Requests that fail authentication carry no user to audit; everything after is audited (audit-log.ts).
  if (authenticated === 'unauthorized') return writeStatus(res, UNAUTHORIZED);
  const impersonated = impersonate(ctx, authenticated ?? ANONYMOUS, req);
  if ('denied' in impersonated) return writeStatus(res, impersonated.denied);
  const user = impersonated.user;
  const subject: AuthorizationSubject = user ?? ANONYMOUS;
  const decision = authorize(ctx.rbac, subject, attrs);
  res.on('finish', () => audit(ctx, req, res, { info, url, subject, allowed: decision.allowed, reason: decision.reason, receivedAt }));
  if (!decision.allowed) return writeStatus(res, forbiddenStatus(subject.username, attrs, decision.reason));

  if (!info.isResourceRequest) return serveNonResource(ctx, info.path, method, res);
  const type = findResourceType(info.group, info.version, info.resource);
  if (!type || info.subresource !== undefined) return writeStatus(res, notFoundStatus());
  if (isReview) return serveReview(ctx, type, user ?? undefined, subject, await readJsonBody(req), res);
  if (MUTATING_VERBS.has(info.verb)) return serveWrite({ state: ctx.state, objects: ctx.objects }, { verb: info.verb, type, namespace: info.namespace, name: info.name }, req, res);
  if (info.verb === 'watch') return writeStatus(res, methodNotAllowedStatus(type.resource, 'watch', type.group));
  return serveRead(ctx, type, info, attrs, req.headers.accept, res);
}

/** Appends the request's audit event to the cluster's audit log (a no-op when the `audit` log type is off). */
function audit(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  r: { info: RequestInfo; url: URL; subject: AuthorizationSubject; allowed: boolean; reason: string; receivedAt: number },
): void {
  const { info } = r;
  const current = info.isResourceRequest && info.name ? ctx.objects.get(info.resource, info.namespace, info.name) : undefined;
  const request: AuditedRequest = {
    verb: info.verb,
    path: r.url.pathname,
    requestURI: r.url.pathname + r.url.search,
    ...(info.isResourceRequest && {
      resource: {
        group: info.group,
        version: info.version,
        resource: info.resource,
        subresource: info.subresource,
        namespace: info.resource === 'namespaces' ? undefined : info.namespace,
        name: info.name,
        ...(current && { uid: String(current.metadata.uid ?? ''), resourceVersion: String(current.metadata.resourceVersion ?? '') }),
      },
    }),
  };
  const who = r.subject as AuthorizationSubject & { uid?: string; extra?: Record<string, string[]> };
  const event = auditEventOf({
    request,
    user: { username: who.username, uid: who.uid || undefined, groups: who.groups, extra: who.extra && Object.keys(who.extra).length ? who.extra : undefined },
    sourceIP: req.socket.remoteAddress ?? '127.0.0.1',
    userAgent: String(req.headers['user-agent'] ?? ''),
    code: res.statusCode,
    receivedAt: r.receivedAt,
    completedAt: Date.now(),
    decision: r.allowed ? 'allow' : 'forbid',
    reason: r.reason,
    ...capturedObjectsOf(res),
  });
  if (event) ctx.state.logs.appendAudit(event, r.receivedAt);
}

/** undefined = anonymous (no bearer token); 'unauthorized' = a token that failed authentication. */
function authenticateRequest(ctx: Context, req: IncomingMessage): AuthenticatedUser | undefined | 'unauthorized' {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return 'unauthorized';
  const client = `${req.socket.remoteAddress ?? '127.0.0.1'}:${req.socket.remotePort ?? 0}`;
  const result = ctx.authenticator.authenticate(m[1]!.trim(), client);
  return result.ok ? result.user : 'unauthorized';
}

/**
 * `kubectl --as/--as-group`: the caller needs `impersonate` on users/groups (apiserver
 * filters/impersonation.go); the request then runs as that user, in `system:authenticated`.
 */
function impersonate(
  ctx: Context,
  caller: AuthorizationSubject,
  req: IncomingMessage,
): { user: AuthenticatedUser | undefined } | { denied: ReturnType<typeof forbiddenStatus> } {
  const asUser = req.headers['impersonate-user'];
  const asGroups = req.headers['impersonate-group'];
  const self = caller === ANONYMOUS ? undefined : (caller as AuthenticatedUser);
  if (typeof asUser !== 'string' || asUser === '') return { user: self };
  const groups = asGroups === undefined ? [] : Array.isArray(asGroups) ? asGroups : [asGroups];
  const checks: RequestAttributes[] = [
    { verb: 'impersonate', apiGroup: '', resource: 'users', name: asUser },
    ...groups.map((g) => ({ verb: 'impersonate', apiGroup: '', resource: 'groups', name: g })),
  ];
  for (const attrs of checks) {
    if (!authorize(ctx.rbac, caller, attrs).allowed) return { denied: forbiddenStatus(caller.username, attrs) };
  }
  return {
    user: {
      username: asUser,
      uid: '',
      groups: [...groups.filter((g) => g !== 'system:authenticated'), 'system:authenticated'],
      extra: {},
      via: self?.via ?? 'aws-auth',
      accessPolicies: [],
    },
  };
}

function serveNonResource(ctx: Context, path: string, method: string, res: ServerResponse): void {
  if (method !== 'GET' && method !== 'HEAD') return writeStatus(res, methodNotAllowedStatus('', method.toLowerCase()));
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const version = ctx.state.scenario.cluster.version ?? '1.31';
  if (p === '/version') {
    const gitVersion = eksGitVersion(version);
    const [major, minor] = gitVersion.slice(1).split('.');
    return writeJson(res, 200, {
      major,
      minor: `${minor}+`, // EKS builds report e.g. "31+"
      gitVersion,
      gitCommit: '7f9249a2b0e0a2d5f6c8b0e7a3d1c4e5f6a7b8c9',
      gitTreeState: 'clean',
      buildDate: '2024-10-22T21:09:39Z',
      goVersion: 'go1.22.8',
      compiler: 'gc',
      platform: 'linux/amd64',
    });
  }
  if (p === '/healthz' || p === '/livez' || p === '/readyz') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    return void res.end('ok');
  }
  if (p === '/openapi/v3') return writeJson(res, 200, openApiV3Discovery());
  if (p.startsWith('/openapi/v3/')) {
    const spec = openApiV3Document(p.slice('/openapi/v3/'.length));
    return spec ? writeJson(res, 200, spec) : writeStatus(res, notFoundStatus());
  }
  if (p === '/api') return writeJson(res, 200, apiVersions(ctx.serverAddress));
  if (p === '/apis') return writeJson(res, 200, apiGroupList());
  const legacy = /^\/api\/([^/]+)$/.exec(p);
  const grouped = /^\/apis\/([^/]+)\/([^/]+)$/.exec(p);
  const groupOnly = /^\/apis\/([^/]+)$/.exec(p);
  const doc = legacy
    ? apiResourceList('', legacy[1]!)
    : grouped
      ? apiResourceList(grouped[1]!, grouped[2]!)
      : groupOnly
        ? apiGroup(groupOnly[1]!)
        : undefined;
  if (doc) return writeJson(res, 200, doc);
  return writeStatus(res, notFoundStatus());
}

function serveRead(
  ctx: Context,
  type: ResourceType,
  info: Extract<RequestInfo, { isResourceRequest: true }>,
  attrs: RequestAttributes,
  accept: string | undefined,
  res: ServerResponse,
): void {
  const now = new Date();
  const resourceVersion = '4242';
  // A cluster-scoped resource never has a namespace in its path, except the namespaces resource itself.
  if (!type.namespaced && info.namespace !== undefined && type.resource !== 'namespaces') return writeStatus(res, notFoundStatus());
  const namespace = type.namespaced ? info.namespace : undefined;
  const name = attrs.name;
  if (info.verb === 'get') {
    if (type.namespaced && namespace === undefined) return writeStatus(res, notFoundStatus());
    const obj = name === undefined ? undefined : ctx.objects.get(type.resource, namespace, name);
    if (!obj) return writeStatus(res, notFoundStatus(type.resource, name, type.group));
    if (wantsTable(accept)) return writeJson(res, 200, toTable(type, [obj], resourceVersion, now));
    return writeJson(res, 200, { kind: type.kind, apiVersion: apiVersionOf(type), ...obj });
  }
  const items = ctx.objects.list(type.resource, namespace);
  if (wantsTable(accept)) return writeJson(res, 200, toTable(type, items, resourceVersion, now));
  return writeJson(res, 200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: { resourceVersion }, items });
}

/** The self reviews: answered from the authenticated user, never stored (201 Created like the real server). */
function serveReview(
  ctx: Context,
  type: ResourceType,
  user: AuthenticatedUser | undefined,
  subject: AuthorizationSubject,
  body: Record<string, unknown> | undefined,
  res: ServerResponse,
): void {
  if (!body) return writeStatus(res, badRequestStatus('the request body is not a JSON object'));
  const envelope = { kind: type.kind, apiVersion: apiVersionOf(type), metadata: { creationTimestamp: null } };
  const spec = isRecord(body.spec) ? body.spec : {};
  if (type.resource === 'selfsubjectreviews') {
    const userInfo = user
      ? { username: user.username, uid: user.uid, groups: user.groups, extra: user.extra }
      : { username: ANONYMOUS.username, groups: ANONYMOUS.groups };
    return writeJson(res, 201, { ...envelope, status: { userInfo } });
  }
  if (type.resource === 'selfsubjectaccessreviews') {
    const ra = isRecord(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
    const nra = isRecord(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    const attrs: RequestAttributes = ra
      ? {
          verb: str(ra.verb) ?? '',
          apiGroup: str(ra.group) ?? '',
          resource: str(ra.resource) ?? '',
          subresource: str(ra.subresource),
          namespace: str(ra.namespace),
          name: str(ra.name),
        }
      : { verb: str(nra?.verb) ?? '', path: str(nra?.path) ?? '' };
    const decision = authorize(ctx.rbac, subject, attrs);
    const status: Record<string, unknown> = { allowed: decision.allowed };
    if (decision.reason) status.reason = decision.reason;
    return writeJson(res, 201, { ...envelope, spec, status });
  }
  const namespace = typeof spec.namespace === 'string' && spec.namespace ? spec.namespace : 'default';
  const webhook = authenticationModeOf(ctx.state.scenario) !== 'CONFIG_MAP';
  return writeJson(res, 201, { ...envelope, spec, status: rulesReview(ctx.rbac, subject, namespace, webhook) });
}

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  return parseObject(await readBody(req));
}

