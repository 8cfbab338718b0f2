/**
 * The few Kubernetes API calls eksdoctor makes with the caller's bearer token: who am I
 * (SelfSubjectReview), may I (SelfSubjectAccessReview / SelfSubjectRulesReview), the aws-auth
 * ConfigMap, RBAC bindings, and one representative `list pods`. Every call is bounded in time and in
 * response size and never throws for HTTP or network failures: it returns a classified failure.
 *
 * Plain node:https rather than @kubernetes/client-node, by measurement (see kube-probe.ts: client-node
 * costs ~550 ms to import and ~75 MB of RSS on Node 20, against SPEC §6's cold start and 150 MB), and
 * because client-node would run the kubeconfig's exec plugin itself; we already ran it once and pass
 * the token in. Requests are only GETs and the non-persisting review POSTs (SPEC §1: read-only).
 *
 * The wire shapes are client-node's generated models, imported as types only (erased at build: nothing
 * of client-node is in the bundle, test/e2e/package.test.ts checks): request bodies are the models, and
 * answers are read as `Wire<Model>`, the model's JSON field names with every value still unknown.
 */
import { STATUS_CODES } from 'node:http';
import type {
  RbacV1Subject, V1ClusterRoleBinding, V1ClusterRoleBindingList, V1ConfigMap, V1ListMeta, V1NonResourceRule, V1ObjectMeta, V1PodList,
  V1ResourceAttributes, V1ResourceRule, V1RoleBinding, V1RoleBindingList, V1RoleRef, V1SelfSubjectAccessReview, V1SelfSubjectReview,
  V1SelfSubjectReviewStatus, V1SelfSubjectRulesReview, V1Status, V1StatusCause, V1StatusDetails, V1SubjectAccessReviewStatus,
  V1SubjectRulesReviewStatus, V1UserInfo,
} from '@kubernetes/client-node';
import { USER_AGENT } from '../shared/version.js';
import type { NetProblem, NetStage } from './net/failure.js';
import { HttpClient } from './net/http.js';

/** What kubectl sends: a bearer token (exec plugin, static, token file) or a client certificate. Secret: never evidence. */
export type KubeCredential = { kind: 'token'; token: string } | { kind: 'client-certificate'; certPem: string; keyPem: string } | { kind: 'none' };

export interface KubeApiOptions {
  /** kubeconfig `server:` URL. */
  server: string;
  /** PEM of the cluster CA (kubeconfig `certificate-authority-data` decoded, or the file read); else the system roots. */
  caPem?: string;
  insecure?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
  /** The environment whose HTTPS_PROXY / NO_PROXY apply (client-go honours them). */
  env?: NodeJS.ProcessEnv;
  credential: KubeCredential;
  /** Largest response body read; more is a `response-too-large` failure. Default 4 MiB. */
  maxResponseBytes?: number;
}

/** Each call is bounded by its own deadline and the caller's signal (the check that asks). */
export interface CallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export type KubeTransportProblem =
  | NetProblem
  /** The body is not JSON, or not the object the call expects. */
  | 'response-invalid';

/** k8s.io/apimachinery metav1.StatusDetails, as far as findings use it. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message?: string; field?: string }[];
}

export interface KubeApiFailure {
  ok: false;
  /** HTTP status; 0 when no HTTP answer was received (DNS, TCP, TLS, timeout). */
  status: number;
  /** The `Status` body's `reason` (`Unauthorized`, `Forbidden`, `NotFound`, …), when the server sent one. */
  reason?: string;
  /** The `Status` body's `message` (kubectl prints it after `Error from server (Reason): `), or our description. */
  message: string;
  details?: StatusDetails;
  /** Set when there is no usable answer: transport failures (with `stage`) and bad bodies. */
  problem?: KubeTransportProblem;
  stage?: NetStage;
  /** Node's error code, or `ETIMEDOUT` / `ABORT_ERR` for our own bound or the caller's signal. */
  code?: string;
}

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  /** e.g. EKS's `accessKeyId`, `arn`, `canonicalArn`, `sessionName`, `principalId`. */
  extra: Record<string, string[]>;
}

export type WhoAmIResult =
  | ({ ok: true; /** The authentication.k8s.io version that answered (v1 since 1.28, v1beta1 1.27, v1alpha1 1.26). */ apiVersion: string } & UserInfo)
  | KubeApiFailure;

export interface AccessCheck {
  verb: string;
  resource: string;
  /** API group; '' (the default) is the core group. */
  group?: string;
  namespace?: string;
  subresource?: string;
  name?: string;
}

export interface AccessCheckResult extends AccessCheck {
  allowed: boolean;
  /** An authorizer explicitly denied it (RBAC never does; a webhook may). */
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

export type CanIResult = { ok: true; results: AccessCheckResult[] } | KubeApiFailure;

export interface ResourceRule { verbs: string[]; apiGroups: string[]; resources: string[]; resourceNames: string[] }
export interface NonResourceRule { verbs: string[]; nonResourceURLs: string[] }

export type RulesResult =
  | { ok: true; namespace: string; resourceRules: ResourceRule[]; nonResourceRules: NonResourceRule[]; incomplete: boolean; evaluationError?: string }
  | KubeApiFailure;

export type ConfigMapResult =
  | { ok: true; name: string; namespace: string; data: Record<string, string>; resourceVersion?: string }
  | KubeApiFailure;

export interface RbacSubject { kind: string; name: string; namespace?: string; apiGroup?: string }
export interface RbacBinding {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  namespace?: string;
  roleRef: { kind: string; name: string; apiGroup: string };
  subjects: RbacSubject[];
}

export type BindingList = { ok: true; items: RbacBinding[]; /** More pages existed than we read (see MAX_LIST_PAGES). */ truncated: boolean } | KubeApiFailure;
export interface BindingsResult { clusterRoleBindings: BindingList; roleBindings: BindingList }

export type PodsResult = { ok: true; namespace: string; /** First page only (limit=1): enough to prove `list pods` is allowed. */ names: string[]; more: boolean } | KubeApiFailure;

export interface KubeApiClient {
  whoAmI(o: CallOptions): Promise<WhoAmIResult>;
  canI(checks: AccessCheck[], o: CallOptions): Promise<CanIResult>;
  rules(namespace: string, o: CallOptions): Promise<RulesResult>;
  getConfigMap(namespace: string, name: string, o: CallOptions): Promise<ConfigMapResult>;
  listBindings(o: CallOptions): Promise<BindingsResult>;
  listPods(namespace: string, o: CallOptions): Promise<PodsResult>;
  /** Closes the keep-alive connections. */
  close(): void;
}
const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** RBAC lists are read 500 at a time (kubectl's chunk size) up to this many pages. */
const LIST_PAGE_SIZE = 500;
const MAX_LIST_PAGES = 40;
// authentication.k8s.io SelfSubjectReview: v1alpha1 in 1.26, v1beta1 in 1.27, GA v1 in 1.28 (KEP-3325).
const SELF_SUBJECT_REVIEW_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'] as const;

export function createKubeApiClient(opts: KubeApiOptions): KubeApiClient {
  return new Client(opts);
}

type Json = Record<string, unknown>;
type Answer = { ok: true; status: number; body: Json } | KubeApiFailure;

/**
 * A Kubernetes object as it arrives: the JSON field names of client-node's model `T`, each value unknown
 * until checked (a server, proxy or emulator may send anything). Only the field names are trusted.
 */
type Wire<T> = { readonly [K in keyof T]?: unknown };
/** client-node renames one JSON field of the models read here (attributeTypeMap): ListMeta's `continue` is `_continue`. */
type ListMetaJson = Omit<V1ListMeta, '_continue'> & { continue?: string };

/** `v` read as the JSON of model `T`, when it is an object at all. */
function wire<T>(v: unknown): Wire<T> | undefined {
  return isObject(v) ? (v as Wire<T>) : undefined;
}

class Client implements KubeApiClient {
  readonly #http: HttpClient;
  /** Private field: JSON.stringify, util.inspect of the client, or a spread never shows it. */
  readonly #secret: string | undefined;

  constructor(opts: KubeApiOptions) {
    const c = opts.credential;
    this.#secret = c.kind === 'token' ? c.token : undefined;
    this.#http = new HttpClient({
      server: opts.server,
      tls: { ca: opts.caPem, insecure: opts.insecure, serverName: opts.tlsServerName, ...(c.kind === 'client-certificate' && { cert: c.certPem, key: c.keyPem }) },
      env: opts.env,
      proxyUrl: opts.proxyUrl,
      headers: { Accept: 'application/json', 'User-Agent': USER_AGENT, ...(c.kind === 'token' && { Authorization: `Bearer ${c.token}` }) },
      maxResponseBytes: opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    });
  }

  close(): void {
    this.#http.close();
  }

  async whoAmI(o: CallOptions): Promise<WhoAmIResult> {
    let last: KubeApiFailure | undefined;
    for (const version of SELF_SUBJECT_REVIEW_VERSIONS) {
      const apiVersion = `authentication.k8s.io/${version}`;
      const review: V1SelfSubjectReview = { apiVersion, kind: 'SelfSubjectReview', metadata: {} };
      const r = await this.#call('POST', `/apis/${apiVersion}/selfsubjectreviews`, o, review);
      if (!r.ok) {
        // Only "this version is not served" moves on; 401/403 and transport failures are the answer.
        if (r.status === 404 && !r.problem) { last = r; continue; }
        return r;
      }
      const user = userInfo(wire<V1SelfSubjectReviewStatus>(wire<V1SelfSubjectReview>(r.body)?.status)?.userInfo);
      if (!user) return invalid(r.status, 'the SelfSubjectReview answer has no status.userInfo.username');
      return { ok: true, apiVersion, ...user };
    }
    return {
      ...last!,
      message: `SelfSubjectReview is not served (authentication.k8s.io v1, v1beta1 and v1alpha1 all answered 404: Kubernetes before 1.26, or the API is disabled): ${last!.message}`,
    };
  }

  async canI(checks: AccessCheck[], o: CallOptions): Promise<CanIResult> {
    const answers = await Promise.all(checks.map(async (c): Promise<AccessCheckResult | KubeApiFailure> => {
      const resourceAttributes: V1ResourceAttributes = { verb: c.verb, resource: c.resource, group: c.group ?? '' };
      if (c.namespace !== undefined) resourceAttributes.namespace = c.namespace;
      if (c.subresource !== undefined) resourceAttributes.subresource = c.subresource;
      if (c.name !== undefined) resourceAttributes.name = c.name;
      const review: V1SelfSubjectAccessReview = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: { resourceAttributes } };
      const r = await this.#call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', o, review);
      if (!r.ok) return r;
      const status = wire<V1SubjectAccessReviewStatus>(wire<V1SelfSubjectAccessReview>(r.body)?.status);
      if (!status || typeof status.allowed !== 'boolean') return invalid(r.status, 'the SelfSubjectAccessReview answer has no status.allowed');
      return {
        ...c,
        allowed: status.allowed,
        ...(status.denied === true ? { denied: true } : {}),
        ...(typeof status.reason === 'string' && status.reason !== '' ? { reason: status.reason } : {}),
        ...(typeof status.evaluationError === 'string' && status.evaluationError !== '' ? { evaluationError: status.evaluationError } : {}),
      };
    }));
    const failures = answers.filter((a): a is KubeApiFailure => 'ok' in a && a.ok === false);
    if (failures.length > 0) return worstFailure(failures);
    return { ok: true, results: answers as AccessCheckResult[] };
  }

  async rules(namespace: string, o: CallOptions): Promise<RulesResult> {
    const review: V1SelfSubjectRulesReview = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: {}, spec: { namespace } };
    const r = await this.#call('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', o, review);
    if (!r.ok) return r;
    const status = wire<V1SubjectRulesReviewStatus>(wire<V1SelfSubjectRulesReview>(r.body)?.status);
    if (!status) return invalid(r.status, 'the SelfSubjectRulesReview answer has no status');
    return {
      ok: true,
      namespace,
      resourceRules: list<V1ResourceRule>(status.resourceRules).map((x) => ({
        verbs: strings(x.verbs), apiGroups: strings(x.apiGroups), resources: strings(x.resources), resourceNames: strings(x.resourceNames),
      })),
      nonResourceRules: list<V1NonResourceRule>(status.nonResourceRules).map((x) => ({ verbs: strings(x.verbs), nonResourceURLs: strings(x.nonResourceURLs) })),
      incomplete: status.incomplete === true,
      ...(typeof status.evaluationError === 'string' && status.evaluationError !== '' ? { evaluationError: status.evaluationError } : {}),
    };
  }

  async getConfigMap(namespace: string, name: string, o: CallOptions): Promise<ConfigMapResult> {
    const r = await this.#call('GET', `/api/v1/namespaces/${seg(namespace)}/configmaps/${seg(name)}`, o);
    if (!r.ok) return r;
    const configMap = wire<V1ConfigMap>(r.body);
    const data = configMap?.data;
    if (data !== undefined && data !== null && !isObject(data)) return invalid(r.status, 'the ConfigMap\'s data is not a mapping');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(data ?? {})) if (typeof v === 'string') out[k] = v;
    const rv = wire<V1ObjectMeta>(configMap?.metadata)?.resourceVersion;
    return { ok: true, name, namespace, data: out, ...(typeof rv === 'string' ? { resourceVersion: rv } : {}) };
  }

  async listBindings(o: CallOptions): Promise<BindingsResult> {
    const [clusterRoleBindings, roleBindings] = await Promise.all([
      this.#listAll('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', 'ClusterRoleBinding', o),
      this.#listAll('/apis/rbac.authorization.k8s.io/v1/rolebindings', 'RoleBinding', o),
    ]);
    return { clusterRoleBindings, roleBindings };
  }

  async listPods(namespace: string, o: CallOptions): Promise<PodsResult> {
    const r = await this.#call('GET', `/api/v1/namespaces/${seg(namespace)}/pods?limit=1`, o);
    if (!r.ok) return r;
    const pods = wire<V1PodList>(r.body);
    const items = pods?.items;
    if (items !== null && items !== undefined && !Array.isArray(items)) return invalid(r.status, 'the pod list has no items');
    const cont = wire<ListMetaJson>(pods?.metadata)?.continue;
    return {
      ok: true, namespace,
      names: list<V1PodList['items'][number]>(items).map((p) => wire<V1ObjectMeta>(p.metadata)?.name).filter((n): n is string => typeof n === 'string'),
      more: typeof cont === 'string' && cont !== '',
    };
  }

  async #listAll(path: string, kind: RbacBinding['kind'], o: CallOptions): Promise<BindingList> {
    const items: RbacBinding[] = [];
    let cont = '';
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const r = await this.#call('GET', `${path}?limit=${LIST_PAGE_SIZE}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`, o);
      if (!r.ok) return r;
      const page = wire<V1ClusterRoleBindingList | V1RoleBindingList>(r.body);
      const raw = page?.items;
      if (raw !== null && raw !== undefined && !Array.isArray(raw)) return invalid(r.status, `the ${kind} list has no items`);
      for (const b of list<V1ClusterRoleBinding | V1RoleBinding>(raw)) {
        const binding = toBinding(b, kind);
        if (binding) items.push(binding);
      }
      const next = wire<ListMetaJson>(page?.metadata)?.continue;
      if (typeof next !== 'string' || next === '') return { ok: true, items, truncated: false };
      cont = next;
    }
    return { ok: true, items, truncated: true };
  }

  /** One request: never throws; 2xx JSON objects are `ok`, everything else a classified failure. */
  async #call(method: 'GET' | 'POST', path: string, o: CallOptions, body?: object): Promise<Answer> {
    const r = await this.#http.request({ method, path, timeoutMs: o.timeoutMs, signal: o.signal, ...(body !== undefined && { body: JSON.stringify(body) }) });
    if (!r.ok) return { ok: false, status: r.status ?? 0, problem: r.problem, stage: r.stage, ...(r.code && { code: r.code }), message: this.#redact(r.message) };
    const contentType = r.headers['content-type'];
    return this.#answer(r.status, Array.isArray(contentType) ? contentType[0] : contentType, r.body);
  }

  #answer(status: number, contentType: string | undefined, text: string): Answer {
    let parsed: unknown;
    let parseError = false;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parseError = true;
    }
    if (status >= 200 && status < 300) {
      if (!isObject(parsed)) {
        return invalid(status, `the server answered ${status} with ${parseError ? 'a body that is not JSON' : 'no JSON object'} (${contentType ?? 'no content type'}): ${this.#snippet(text)}`);
      }
      return { ok: true, status, body: parsed };
    }
    // A `Status` object (k8s.io/apimachinery metav1.Status) is what the API server sends for 4xx/5xx.
    const body = wire<V1Status>(parsed);
    if (body && body.kind === 'Status') {
      const details = statusDetails(body.details);
      return {
        ok: false, status,
        ...(typeof body.reason === 'string' && body.reason !== '' ? { reason: body.reason } : {}),
        message: this.#redact(typeof body.message === 'string' && body.message !== '' ? body.message : STATUS_CODES[status] ?? `HTTP ${status}`),
        ...(details ? { details } : {}),
      };
    }
    // Not a Status (a proxy, a load balancer, or a plain `404 page not found` from the API server's mux).
    const reason = STATUS_CODES[status]?.replace(/\s+/g, '');
    return {
      ok: false, status, ...(reason ? { reason } : {}),
      message: text.trim() === '' ? STATUS_CODES[status] ?? `HTTP ${status}` : this.#snippet(text),
    };
  }

  /** A short, single-line, secret-free excerpt of a body for a message. */
  #snippet(text: string): string {
    const one = text.replace(/\s+/g, ' ').trim();
    return this.#redact(one.length > 200 ? `${one.slice(0, 200)}…` : one);
  }

  #redact(text: string): string {
    const out = text.replace(/k8s-aws-v1\.[A-Za-z0-9_-]+/g, 'k8s-aws-v1.…');
    return this.#secret && this.#secret.length >= 8 ? out.split(this.#secret).join('…') : out;
  }
}

/** kubectl's wording for a failure, for evidence (SPEC §9: `error: You must be logged in to the server (Unauthorized)`, `Error from server (Forbidden): …`). */
export function kubectlErrorText(f: KubeApiFailure): string {
  if (f.status === 401) return `error: You must be logged in to the server (${f.message || 'the server has asked for the client to provide credentials'})`;
  if (f.status === 0) return `Unable to connect to the server: ${f.message}`;
  return `Error from server (${f.reason ?? STATUS_CODES[f.status]?.replace(/\s+/g, '') ?? f.status}): ${f.message}`;
}

/** 401 beats 403 beats the rest: the one that explains the others. */
function worstFailure(failures: KubeApiFailure[]): KubeApiFailure {
  const rank = (f: KubeApiFailure) => (f.status === 401 ? 0 : f.status === 403 ? 1 : f.status === 0 ? 3 : 2);
  return [...failures].sort((a, b) => rank(a) - rank(b))[0]!;
}

function invalid(status: number, message: string): KubeApiFailure {
  return { ok: false, status, problem: 'response-invalid', message };
}

function userInfo(raw: unknown): UserInfo | undefined {
  const u = wire<V1UserInfo>(raw);
  if (!u || typeof u.username !== 'string') return undefined;
  const extra: Record<string, string[]> = {};
  if (isObject(u.extra)) for (const [k, v] of Object.entries(u.extra)) extra[k] = strings(v);
  return { username: u.username, ...(typeof u.uid === 'string' && u.uid !== '' ? { uid: u.uid } : {}), groups: strings(u.groups), extra };
}

function toBinding(b: Wire<V1ClusterRoleBinding | V1RoleBinding>, kind: RbacBinding['kind']): RbacBinding | undefined {
  const metadata = wire<V1ObjectMeta>(b.metadata);
  const name = metadata?.name;
  const ref = wire<V1RoleRef>(b.roleRef);
  if (typeof name !== 'string' || !ref || typeof ref.name !== 'string') return undefined;
  const namespace = metadata?.namespace;
  return {
    kind, name,
    ...(kind === 'RoleBinding' && typeof namespace === 'string' ? { namespace } : {}),
    roleRef: { kind: typeof ref.kind === 'string' ? ref.kind : 'ClusterRole', name: ref.name, apiGroup: typeof ref.apiGroup === 'string' ? ref.apiGroup : 'rbac.authorization.k8s.io' },
    subjects: list<RbacV1Subject>(b.subjects).flatMap((s): RbacSubject[] => (typeof s.kind === 'string' && typeof s.name === 'string'
      ? [{ kind: s.kind, name: s.name, ...(typeof s.namespace === 'string' && s.namespace !== '' ? { namespace: s.namespace } : {}), ...(typeof s.apiGroup === 'string' && s.apiGroup !== '' ? { apiGroup: s.apiGroup } : {}) }]
      : [])),
  };
}

function statusDetails(raw: unknown): StatusDetails | undefined {
  const d = wire<V1StatusDetails>(raw);
  if (!d) return undefined;
  const out: StatusDetails = {};
  for (const k of ['name', 'group', 'kind'] as const) if (typeof d[k] === 'string') out[k] = d[k] as string;
  if (Array.isArray(d.causes)) {
    out.causes = list<V1StatusCause>(d.causes).map((c) => ({
      ...(typeof c.reason === 'string' ? { reason: c.reason } : {}),
      ...(typeof c.message === 'string' ? { message: c.message } : {}),
      ...(typeof c.field === 'string' ? { field: c.field } : {}),
    }));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The objects of a JSON array, each read as model `T`. */
function list<T>(v: unknown): Wire<T>[] {
  return Array.isArray(v) ? (v.filter(isObject) as Wire<T>[]) : [];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function seg(s: string): string {
  return encodeURIComponent(s);
}
