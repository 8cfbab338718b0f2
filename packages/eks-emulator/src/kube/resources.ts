/**
 * The API resources the emulator serves and the objects in them, built once from the scenario:
 * namespaces, nodes, pods, ConfigMaps (aws-auth from `scenario.awsAuth`), an empty Secrets list and RBAC objects
 * (bootstrap policy + `scenario.rbac`). Everything is read-only.
 */
import { createHash } from 'node:crypto';
import type { Scenario } from '../scenario.js';
import { bootstrapRbac, type RbacBinding, type RbacRole } from './rbac.js';
import { clusterAgeDays } from '../timeline.js';

/** resourceVersion of the scenario's aws-auth: above every version its history (audit-history.ts) gave it. */
export const AWS_AUTH_LIVE_VERSION = 90_000;

/** The aws-auth ConfigMap object, as GET and the audit log's responseObject show it. */
export function awsAuthObject(data: Record<string, string>, createdAt: number, resourceVersion: number): Record<string, unknown> {
  return {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name: 'aws-auth', namespace: 'kube-system', uid: uidOf('kube-system/aws-auth/'), resourceVersion: String(resourceVersion), creationTimestamp: new Date(createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z') },
    data,
  };
}

export interface ResourceType {
  group: string;
  version: string;
  /** Plural, as in URLs and RBAC rules. */
  resource: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Verbs advertised in discovery (what a real server supports; the emulator still refuses writes). */
  verbs: string[];
}

export type KubeObject = Record<string, unknown> & { metadata: { name: string; namespace?: string; [k: string]: unknown } };

const READ_WRITE = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const CREATE_ONLY = ['create'];
const RBAC = 'rbac.authorization.k8s.io';

export const RESOURCE_TYPES: readonly ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', singularName: 'namespace', kind: 'Namespace', namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
  { group: '', version: 'v1', resource: 'nodes', singularName: 'node', kind: 'Node', namespaced: false, shortNames: ['no'], verbs: READ_WRITE },
  { group: '', version: 'v1', resource: 'pods', singularName: 'pod', kind: 'Pod', namespaced: true, shortNames: ['po'], verbs: READ_WRITE },
  { group: '', version: 'v1', resource: 'secrets', singularName: 'secret', kind: 'Secret', namespaced: true, verbs: READ_WRITE },
  { group: '', version: 'v1', resource: 'configmaps', singularName: 'configmap', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'], verbs: READ_WRITE },
  { group: RBAC, version: 'v1', resource: 'clusterrolebindings', singularName: 'clusterrolebinding', kind: 'ClusterRoleBinding', namespaced: false, verbs: READ_WRITE },
  { group: RBAC, version: 'v1', resource: 'clusterroles', singularName: 'clusterrole', kind: 'ClusterRole', namespaced: false, verbs: READ_WRITE },
  { group: RBAC, version: 'v1', resource: 'rolebindings', singularName: 'rolebinding', kind: 'RoleBinding', namespaced: true, verbs: READ_WRITE },
  { group: RBAC, version: 'v1', resource: 'roles', singularName: 'role', kind: 'Role', namespaced: true, verbs: READ_WRITE },
  { group: 'authentication.k8s.io', version: 'v1', resource: 'selfsubjectreviews', singularName: 'selfsubjectreview', kind: 'SelfSubjectReview', namespaced: false, verbs: CREATE_ONLY },
  { group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview', namespaced: false, verbs: CREATE_ONLY },
  { group: 'authorization.k8s.io', version: 'v1', resource: 'selfsubjectrulesreviews', singularName: 'selfsubjectrulesreview', kind: 'SelfSubjectRulesReview', namespaced: false, verbs: CREATE_ONLY },
];

/** The `create`-only review resources: answered, never stored (SPEC §1 allows these writes). */
export const REVIEW_RESOURCES = new Set(['selfsubjectreviews', 'selfsubjectaccessreviews', 'selfsubjectrulesreviews']);

export function findResourceType(group: string, version: string, resource: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.resource === resource);
}

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** Patch level per minor, so /version looks like a real EKS build (`v1.31.2-eks-…`). */
const EKS_PATCH: Record<string, string> = { '1.28': '15', '1.29': '10', '1.30': '6', '1.31': '2', '1.32': '0', '1.33': '1' };

export function eksGitVersion(clusterVersion: string): string {
  const minor = /^\d+\.\d+/.exec(clusterVersion)?.[0] ?? '1.31';
  const patch = /^\d+\.\d+\.\d+/.test(clusterVersion) ? clusterVersion.split('.')[2] : (EKS_PATCH[minor] ?? '0');
  const suffix = createHash('sha256').update(minor).digest('hex').slice(0, 7);
  return `v${minor}.${patch}-eks-${suffix}`;
}

/** Read-only object store: resource plural → objects. */
export class ClusterObjects {
  private readonly byResource = new Map<string, KubeObject[]>();
  readonly roles: RbacRole[];
  readonly bindings: RbacBinding[];

  constructor(scenario: Scenario, rbac: { roles: RbacRole[]; bindings: RbacBinding[] }, startedAt: Date) {
    this.roles = rbac.roles;
    this.bindings = rbac.bindings;
    const created = (daysAgo: number) => new Date(startedAt.getTime() - daysAgo * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    let rv = 1000;
    const meta = (name: string, namespace: string | undefined, daysAgo: number, extra: Record<string, unknown> = {}) => ({
      name,
      ...(namespace ? { namespace } : {}),
      uid: uidOf(`${namespace ?? ''}/${name}/${extra.kind ?? ''}`),
      resourceVersion: String(rv++),
      creationTimestamp: created(daysAgo),
      ...extra,
    });
    const gitVersion = eksGitVersion(scenario.cluster.version ?? '1.31');

    const teamNamespaces = teamNamespacesOf(scenario);
    this.byResource.set(
      'namespaces',
      ['default', 'kube-node-lease', 'kube-public', 'kube-system', ...teamNamespaces].map((n) => ({
        metadata: meta(n, undefined, 30, { labels: { 'kubernetes.io/metadata.name': n } }),
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      })),
    );
    const nodeNames = [`ip-192-168-12-34.${scenario.region}.compute.internal`, `ip-192-168-45-67.${scenario.region}.compute.internal`];
    this.byResource.set(
      'nodes',
      nodeNames.map((n) => ({
        metadata: meta(n, undefined, 29, { labels: { 'kubernetes.io/hostname': n, 'topology.kubernetes.io/region': scenario.region } }),
        spec: { providerID: `aws:///${scenario.region}a/i-0${uidOf(n).replace(/-/g, '').slice(0, 16)}` },
        status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }], nodeInfo: { kubeletVersion: gitVersion } },
      })),
    );
    const pod = (name: string, namespace: string, node: string, container: string, image: string) => ({
      metadata: meta(name, namespace, 29),
      spec: { nodeName: node, containers: [{ name: container, image }] },
      status: { phase: 'Running', podIP: '192.168.20.10', containerStatuses: [{ name: container, ready: true, restartCount: 0, image }] },
    });
    this.byResource.set('pods', [
      pod('hello-6f7d9c5b8d-2kq9z', 'default', nodeNames[0]!, 'hello', 'public.ecr.aws/nginx/nginx:1.27'),
      pod('coredns-787cb67946-7xwqp', 'kube-system', nodeNames[0]!, 'coredns', '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/coredns:v1.11.3-eksbuild.1'),
      pod('coredns-787cb67946-l4s7d', 'kube-system', nodeNames[1]!, 'coredns', '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/coredns:v1.11.3-eksbuild.1'),
      pod('aws-node-5kx2m', 'kube-system', nodeNames[0]!, 'aws-node', '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.5-eksbuild.1'),
      ...teamNamespaces.map((n) => pod(`web-7c9d8f6b5-${uidOf(n).slice(0, 5)}`, n, nodeNames[1]!, 'web', 'public.ecr.aws/nginx/nginx:1.27')),
    ]);
    const configMaps: KubeObject[] = [
      { metadata: meta('kube-root-ca.crt', 'default', 30), data: { 'ca.crt': '(cluster CA)' } },
      // kube-controller-manager's root-ca-cert-publisher puts this ConfigMap in every namespace.
      ...teamNamespaces.map((n) => ({ metadata: meta('kube-root-ca.crt', n, 30), data: { 'ca.crt': '(cluster CA)' } })),
      { metadata: meta('coredns', 'kube-system', 30), data: { Corefile: '.:53 {\n    errors\n    health\n    kubernetes cluster.local in-addr.arpa ip6.arpa\n    forward . /etc/resolv.conf\n    cache 30\n}\n' } },
    ];
    if (scenario.awsAuth) {
      const data = Object.fromEntries(Object.entries(scenario.awsAuth).filter((e): e is [string, string] => typeof e[1] === 'string'));
      // Written when the first nodes joined, right after the cluster was created (its history is older than the live object's version).
      configMaps.push({ metadata: { ...meta('aws-auth', 'kube-system', clusterAgeDays(scenario)), resourceVersion: String(AWS_AUTH_LIVE_VERSION) }, data });
    }
    this.byResource.set('configmaps', configMaps);
    // Served so `kubectl get secrets` and can-i checks resolve the type; empty, so nothing secret-shaped is ever returned.
    this.byResource.set('secrets', []);

    const defaults = new Set(bootstrapRbac().roles.map((r) => `${r.kind}/${r.name}`));
    const bootstrapMeta = (name: string, kind: string) =>
      defaults.has(`${kind}/${name}`) || name === 'cluster-admin' || name.startsWith('system:')
        ? { annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' }, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, kind }
        : { kind };
    const stripKind = (m: Record<string, unknown>) => {
      const { kind: _kind, ...rest } = m;
      return rest;
    };
    this.byResource.set('clusterroles', rbac.roles.filter((r) => r.kind === 'ClusterRole').map((r) => ({ metadata: stripKind(meta(r.name, undefined, 30, bootstrapMeta(r.name, r.kind))) as KubeObject['metadata'], rules: r.rules })));
    this.byResource.set('roles', rbac.roles.filter((r) => r.kind === 'Role').map((r) => ({ metadata: stripKind(meta(r.name, r.namespace, 10, { kind: 'Role' })) as KubeObject['metadata'], rules: r.rules })));
    const bindingObject = (b: RbacBinding): KubeObject => ({
      metadata: stripKind(meta(b.name, b.namespace, b.namespace ? 10 : 30, bootstrapMeta(b.name, b.kind))) as KubeObject['metadata'],
      roleRef: { apiGroup: RBAC, kind: b.roleRef.kind, name: b.roleRef.name },
      subjects: b.subjects.map((s) => ({ ...(s.kind === 'ServiceAccount' ? {} : { apiGroup: RBAC }), kind: s.kind, name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}) })),
    });
    this.byResource.set('clusterrolebindings', rbac.bindings.filter((b) => b.kind === 'ClusterRoleBinding').map(bindingObject));
    this.byResource.set('rolebindings', rbac.bindings.filter((b) => b.kind === 'RoleBinding').map(bindingObject));
  }

  /** Objects of a resource, in one namespace or (undefined) all of them. */
  list(resource: string, namespace: string | undefined): KubeObject[] {
    const all = this.byResource.get(resource) ?? [];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.list(resource, namespace).find((o) => o.metadata.name === name);
  }

  /** The next resourceVersion, above every one handed out so far. */
  nextResourceVersion(): string {
    return String(++this.resourceVersion);
  }

  private resourceVersion = AWS_AUTH_LIVE_VERSION;

  /** Stores a created or replaced object (writes.ts); a binding also joins the RBAC authorizer's list. */
  put(resource: string, obj: KubeObject, binding?: RbacBinding): void {
    const all = this.byResource.get(resource) ?? [];
    const at = all.findIndex((o) => o.metadata.name === obj.metadata.name && o.metadata.namespace === obj.metadata.namespace);
    if (at >= 0) all[at] = obj;
    else all.push(obj);
    this.byResource.set(resource, all);
    if (binding) this.bindings.push(binding);
  }

  remove(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const all = this.byResource.get(resource) ?? [];
    const at = all.findIndex((o) => o.metadata.name === name && o.metadata.namespace === namespace);
    return at >= 0 ? all.splice(at, 1)[0] : undefined;
  }
}

export function uidOf(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Namespaces a scenario names beyond the built-in ones (its context's namespace, access-policy scopes): each runs one workload. */
function teamNamespacesOf(scenario: Scenario): string[] {
  const builtin = new Set(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  const named = [
    scenario.kubeconfig.namespace,
    ...(scenario.accessEntries ?? []).flatMap((e) => (e.policies ?? []).flatMap((p) => p.accessScope.namespaces ?? [])),
  ];
  return [...new Set(named.filter((n): n is string => typeof n === 'string' && n !== '' && !builtin.has(n)))].sort();
}
