/**
 * The Kubernetes RBAC `eksdoctor auth` reads with, generated from the table of its requests
 * (src/facts/kube-permissions.ts). Two roles, because RBAC scopes them differently (kubernetes.io
 * "Using RBAC Authorization"): the aws-auth ConfigMap is one named object in kube-system, so a Role
 * there with `resourceNames: [aws-auth]` grants exactly it (a ClusterRole with resourceNames would grant
 * a ConfigMap of that name in every namespace); listing bindings in all namespaces and creating
 * self-subject reviews are cluster-scoped, so they need a ClusterRole and a ClusterRoleBinding.
 * (The default ClusterRole system:basic-user already lets every authenticated user create the self
 * reviews; they are listed so that the role says everything eksdoctor does.)
 */
import { KUBE_REQUESTS, type KubeRequest } from '../../facts/kube-permissions.js';

export const DEFAULT_KUBERNETES_GROUP = 'eksdoctor-readers';
const NAME = 'eksdoctor-reader';
const RBAC = 'rbac.authorization.k8s.io/v1';

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
  verbs: string[];
}

export type RbacManifest = Record<string, unknown> & { kind: string };

/** Rules for the rows of one scope, one rule per (group, verb, names) so that each stays minimal. */
function rulesOf(rows: readonly KubeRequest[]): PolicyRule[] {
  const rules = new Map<string, PolicyRule>();
  for (const r of rows) {
    const key = `${r.group}|${r.verb}|${(r.names ?? []).join(',')}`;
    const rule = rules.get(key) ?? { apiGroups: [r.group], resources: [], ...(r.names && { resourceNames: [...r.names] }), verbs: [r.verb] };
    if (!rule.resources.includes(r.resource)) rule.resources.push(r.resource);
    rules.set(key, rule);
  }
  return [...rules.values()];
}

/** The rows the RBAC grants, by the namespace their Role lives in ('' = the ClusterRole). */
export function grantedKubeRequests(): Map<string, KubeRequest[]> {
  const byNamespace = new Map<string, KubeRequest[]>();
  for (const r of KUBE_REQUESTS.filter((x) => !x.notGranted)) {
    const ns = r.namespace ?? '';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), r]);
  }
  return byNamespace;
}

/** ClusterRole + ClusterRoleBinding, then a Role + RoleBinding per namespace, all bound to `group`. */
export function readerRbac(group: string): RbacManifest[] {
  const subjects = [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: group }];
  const labels = { 'app.kubernetes.io/name': 'eksdoctor' };
  const out: RbacManifest[] = [];
  for (const [namespace, rows] of [...grantedKubeRequests()].sort(([a], [b]) => a.localeCompare(b))) {
    if (namespace === '') {
      out.push({ apiVersion: RBAC, kind: 'ClusterRole', metadata: { name: NAME, labels }, rules: rulesOf(rows) });
      out.push({ apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name: NAME, labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NAME }, subjects });
    } else {
      out.push({ apiVersion: RBAC, kind: 'Role', metadata: { name: NAME, namespace, labels }, rules: rulesOf(rows) });
      out.push({ apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: NAME, namespace, labels }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAME }, subjects });
    }
  }
  return out;
}
