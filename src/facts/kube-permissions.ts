/**
 * The one table of Kubernetes API requests eksdoctor makes with the caller's credentials (src/facts/
 * kube-api.ts, kube-probe.ts), as RBAC authorizes them (kubernetes.io "Using RBAC Authorization"): verb,
 * API group, resource, namespace and object name. `eksdoctor policy --kubernetes` prints the RBAC it
 * needs from this table, and the policy e2e test asserts that every request the emulator recorded
 * from `auth`, over every scenario, is one of these rows.
 */

export interface KubeRequest {
  verb: 'get' | 'list' | 'create';
  /** '' for the core group. */
  group: string;
  resource: string;
  /** Namespaced reads name their namespace; undefined = cluster-wide (or all namespaces). */
  namespace?: string;
  /** In the kubeconfig context's namespace (whatever it is), instead of a fixed one. */
  contextNamespace?: true;
  /** RBAC `resourceNames`: only these objects. */
  names?: readonly string[];
  usedBy: readonly string[];
  why: string;
  /** Why the printed RBAC grants nothing for it. */
  notGranted?: string;
}

export const KUBE_REQUESTS: readonly KubeRequest[] = [
  { verb: 'create', group: 'authentication.k8s.io', resource: 'selfsubjectreviews', usedBy: ['kube-auth'], why: 'who the API server thinks you are (kubectl auth whoami)' },
  { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews', usedBy: ['kube-auth'], why: 'whether you may do a few representative reads (kubectl auth can-i)' },
  { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectrulesreviews', usedBy: ['rbac'], why: 'what your groups are allowed in the context\'s namespace' },
  { verb: 'get', group: '', resource: 'configmaps', namespace: 'kube-system', names: ['aws-auth'], usedBy: ['aws-auth'], why: 'the aws-auth ConfigMap: mapRoles, mapUsers, mapAccounts' },
  { verb: 'list', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', usedBy: ['rbac'], why: 'whether your groups are bound to anything' },
  { verb: 'list', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', usedBy: ['rbac'], why: 'whether your groups are bound to anything, in any namespace' },
  {
    verb: 'list', group: '', resource: 'pods', contextNamespace: true, usedBy: ['kube-auth'], why: 'kubectl\'s own 403 wording, only when you may do nothing useful',
    notGranted: 'a probe of what you cannot do: granting it would hide the 403 it reproduces',
  },
];

/** Non-resource requests: `GET /version`, anonymous; system:public-info-viewer grants it to everyone. */
export const KUBE_NON_RESOURCE_REQUESTS: readonly string[] = ['/version'];
