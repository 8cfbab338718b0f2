/**
 * A Kubernetes RBAC authorizer: user and groups → (Cluster)RoleBindings → (Cluster)Roles → rules.
 * Semantics and reason strings follow kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go
 * (RuleAllows, the binding describers) and pkg/apis/rbac/v1/evaluation_helpers.go.
 */
import { isRecord } from './json.js';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RbacSubject {
  kind: string; // User | Group | ServiceAccount
  name: string;
  namespace?: string;
}

export interface RbacRole {
  kind: 'Role' | 'ClusterRole';
  name: string;
  namespace?: string;
  rules: PolicyRule[];
}

export interface RbacBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace?: string;
  roleRef: { kind: string; name: string };
  subjects: RbacSubject[];
}

export interface UserInfo {
  username: string;
  groups: string[];
}

/** What a request asks for (apiserver RequestInfo): a resource request or a non-resource path. */
export interface RequestAttributes {
  verb: string;
  resource?: string;
  subresource?: string;
  apiGroup?: string;
  namespace?: string;
  name?: string;
  /** Non-resource requests only (`/version`, `/apis`). */
  path?: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

/** Default policy of every cluster (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go), trimmed. */
export function bootstrapRbac(): { roles: RbacRole[]; bindings: RbacBinding[] } {
  const read = ['get', 'list', 'watch'];
  const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
  const viewRules: PolicyRule[] = [
    { apiGroups: [''], resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'pods', 'pods/log', 'pods/status', 'replicationcontrollers', 'services', 'services/status', 'serviceaccounts', 'events', 'limitranges', 'resourcequotas', 'namespaces', 'namespaces/status'], verbs: read },
    { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale', 'controllerrevisions'], verbs: read },
    { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: read },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: read },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: read },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: read },
  ];
  const editRules: PolicyRule[] = [
    ...viewRules,
    { apiGroups: [''], resources: ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'configmaps', 'endpoints', 'persistentvolumeclaims', 'replicationcontrollers', 'services', 'serviceaccounts', 'secrets'], verbs: write },
    { apiGroups: [''], resources: ['secrets'], verbs: read },
    { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'], verbs: write },
    { apiGroups: ['batch'], resources: ['cronjobs', 'jobs'], verbs: write },
    { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: write },
    { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: write },
    { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: write },
  ];
  const adminRules: PolicyRule[] = [
    ...editRules,
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: [...read, ...write] },
    { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
  ];
  const roles: RbacRole[] = [
    { kind: 'ClusterRole', name: 'cluster-admin', rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }] },
    { kind: 'ClusterRole', name: 'admin', rules: adminRules },
    { kind: 'ClusterRole', name: 'edit', rules: editRules },
    { kind: 'ClusterRole', name: 'view', rules: viewRules },
    {
      kind: 'ClusterRole',
      name: 'system:discovery',
      rules: [{ nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] }],
    },
    {
      kind: 'ClusterRole',
      name: 'system:basic-user',
      rules: [
        { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], verbs: ['create'] },
        { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
      ],
    },
    { kind: 'ClusterRole', name: 'system:public-info-viewer', rules: [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }] },
  ];
  const group = (name: string): RbacSubject => ({ kind: 'Group', name });
  const bindings: RbacBinding[] = [
    { kind: 'ClusterRoleBinding', name: 'cluster-admin', roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [group('system:masters')] },
    { kind: 'ClusterRoleBinding', name: 'system:discovery', roleRef: { kind: 'ClusterRole', name: 'system:discovery' }, subjects: [group('system:authenticated')] },
    { kind: 'ClusterRoleBinding', name: 'system:basic-user', roleRef: { kind: 'ClusterRole', name: 'system:basic-user' }, subjects: [group('system:authenticated')] },
    {
      kind: 'ClusterRoleBinding',
      name: 'system:public-info-viewer',
      roleRef: { kind: 'ClusterRole', name: 'system:public-info-viewer' },
      subjects: [group('system:authenticated'), group('system:unauthenticated')],
    },
  ];
  return { roles, bindings };
}

/**
 * Reads scenario RBAC manifests (as applied with kubectl) into roles and bindings; anything that is
 * not a well-formed Role/ClusterRole/RoleBinding/ClusterRoleBinding is skipped, as the API server
 * would have refused it.
 */
export function parseRbacObjects(objects: readonly Record<string, unknown>[]): { roles: RbacRole[]; bindings: RbacBinding[] } {
  const roles: RbacRole[] = [];
  const bindings: RbacBinding[] = [];
  for (const o of objects) {
    const kind = o.kind;
    const meta = isRecord(o.metadata) ? o.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : undefined;
    if (!name) continue;
    const namespace = typeof meta.namespace === 'string' ? meta.namespace : kind === 'Role' || kind === 'RoleBinding' ? 'default' : undefined;
    if (kind === 'Role' || kind === 'ClusterRole') {
      const rules = Array.isArray(o.rules) ? o.rules.filter(isRecord).map(toRule) : [];
      roles.push({ kind, name, namespace: kind === 'Role' ? namespace : undefined, rules });
    } else if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
      const ref = isRecord(o.roleRef) ? o.roleRef : undefined;
      if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') continue;
      const subjects = (Array.isArray(o.subjects) ? o.subjects : [])
        .filter(isRecord)
        .filter((s) => typeof s.kind === 'string' && typeof s.name === 'string')
        .map((s) => ({ kind: s.kind as string, name: s.name as string, namespace: typeof s.namespace === 'string' ? s.namespace : undefined }));
      bindings.push({ kind, name, namespace: kind === 'RoleBinding' ? namespace : undefined, roleRef: { kind: ref.kind, name: ref.name }, subjects });
    }
  }
  return { roles, bindings };
}

export class RbacAuthorizer {
  constructor(
    readonly roles: readonly RbacRole[],
    readonly bindings: readonly RbacBinding[],
  ) {}

  /** RBAC allows or has no opinion (an empty reason), like rbac.go Authorize. */
  authorize(user: UserInfo, attrs: RequestAttributes): Decision {
    for (const { binding, subject, rules } of this.applicableBindings(user, attrs.namespace)) {
      if (rules.some((rule) => ruleAllows(attrs, rule))) {
        return { allowed: true, reason: `RBAC: allowed by ${describeBinding(binding, subject)}` };
      }
    }
    return { allowed: false, reason: '' };
  }

  /** The rules that apply to this user in a namespace (rule resolver RulesFor): what SelfSubjectRulesReview lists. */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    return this.applicableBindings(user, namespace).flatMap((b) => b.rules);
  }

  private applicableBindings(user: UserInfo, namespace: string | undefined) {
    const out: { binding: RbacBinding; subject: RbacSubject; rules: PolicyRule[] }[] = [];
    for (const binding of this.bindings) {
      // A RoleBinding only grants inside its own namespace; ClusterRoleBindings everywhere.
      if (binding.kind === 'RoleBinding' && binding.namespace !== namespace) continue;
      const subject = binding.subjects.find((s) => appliesTo(s, user, binding.namespace));
      if (!subject) continue;
      const role = this.roles.find(
        (r) => r.kind === binding.roleRef.kind && r.name === binding.roleRef.name && (r.kind === 'ClusterRole' || r.namespace === binding.namespace),
      );
      if (role) out.push({ binding, subject, rules: role.rules });
    }
    return out;
  }
}

/** rbac.go appliesTo: users by name, groups by membership, service accounts by their user name. */
function appliesTo(subject: RbacSubject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.username;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount':
      return user.username === `system:serviceaccount:${subject.namespace ?? bindingNamespace ?? ''}:${subject.name}`;
    default:
      return false;
  }
}

/** evaluation_helpers.go RuleAllows and its matchers. */
export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!matches(rule.verbs, attrs.verb)) return false;
  if (attrs.path !== undefined) {
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === attrs.path || (u.endsWith('*') && attrs.path!.startsWith(u.slice(0, -1))));
  }
  if (!matches(rule.apiGroups ?? [], attrs.apiGroup ?? '')) return false;
  const combined = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource ?? '';
  const resourceOk = (rule.resources ?? []).some(
    (r) => r === '*' || r === combined || (attrs.subresource !== undefined && r === `*/${attrs.subresource}`),
  );
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (attrs.name !== undefined && names.includes(attrs.name));
}

function matches(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}

/** rbac.go clusterRoleBindingDescriber / roleBindingDescriber. */
function describeBinding(binding: RbacBinding, subject: RbacSubject): string {
  const name = binding.kind === 'RoleBinding' ? `${binding.name}/${binding.namespace}` : binding.name;
  const who = subject.kind === 'ServiceAccount' && subject.namespace ? `${subject.kind} "${subject.namespace}/${subject.name}"` : `${subject.kind} "${subject.name}"`;
  return `${binding.kind} "${name}" of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${who}`;
}

function toRule(r: Record<string, unknown>): PolicyRule {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  return {
    verbs: list(r.verbs) ?? [],
    apiGroups: list(r.apiGroups),
    resources: list(r.resources),
    resourceNames: list(r.resourceNames),
    nonResourceURLs: list(r.nonResourceURLs),
  };
}

