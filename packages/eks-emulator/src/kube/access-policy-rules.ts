/**
 * EKS access policies as the Kubernetes rules they grant, evaluated beside RBAC the way EKS's
 * webhook authorizer does (after RBAC; invisible to RBAC and to `kubectl auth can-i --list`).
 * Rules approximate https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html,
 * which says they are "similar to the permissions in the Kubernetes user-facing cluster roles".
 */
import type { ScenarioAccessPolicy } from '../scenario.js';
import { bootstrapRbac, ruleAllows, type Decision, type PolicyRule, type RequestAttributes } from './rbac.js';

const READ = ['get', 'list', 'watch'];

function userFacingRules(name: 'admin' | 'edit' | 'view'): PolicyRule[] {
  return bootstrapRbac().roles.find((r) => r.kind === 'ClusterRole' && r.name === name)?.rules ?? [];
}

/** Policy name → rules. Policies not listed (node, networking, storage…) grant nothing to a user here. */
const POLICY_RULES: Record<string, () => PolicyRule[]> = {
  AmazonEKSClusterAdminPolicy: () => [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }, { nonResourceURLs: ['*'], verbs: ['*'] }],
  // Docs: "most permissions to resources", typically namespace-scoped; can also list namespaces.
  AmazonEKSAdminPolicy: () => [...userFacingRules('admin'), { apiGroups: [''], resources: ['namespaces'], verbs: READ }],
  AmazonEKSEditPolicy: () => userFacingRules('edit'),
  AmazonEKSViewPolicy: () => userFacingRules('view'),
  // Docs: list/view all resources in the cluster, secrets included.
  AmazonEKSAdminViewPolicy: () => [{ apiGroups: ['*'], resources: ['*'], verbs: READ }],
};

export function accessPolicyName(policyArn: string): string {
  return policyArn.slice(policyArn.lastIndexOf('/') + 1);
}

export function rulesOfAccessPolicy(policyArn: string): PolicyRule[] {
  return POLICY_RULES[accessPolicyName(policyArn)]?.() ?? [];
}

/** A namespace scope grants only inside the listed namespaces (a trailing `*` is a prefix wildcard). */
function scopeCovers(policy: ScenarioAccessPolicy, namespace: string | undefined): boolean {
  if (policy.accessScope.type === 'cluster') return true;
  if (namespace === undefined) return false;
  return (policy.accessScope.namespaces ?? []).some((n) => n === namespace || (n.endsWith('*') && namespace.startsWith(n.slice(0, -1))));
}

/**
 * Evaluates the associated policies of the caller's access entry. The allow reason mirrors the one
 * EKS's authorizer returns in a SelfSubjectAccessReview.
 */
export function authorizeByAccessPolicies(
  policies: readonly ScenarioAccessPolicy[],
  principalArn: string,
  username: string,
  attrs: RequestAttributes,
): Decision {
  for (const policy of policies) {
    if (!scopeCovers(policy, attrs.namespace)) continue;
    if (rulesOfAccessPolicy(policy.policyArn).some((rule) => ruleAllows(attrs, rule))) {
      const binding = policy.accessScope.type === 'cluster' ? 'ClusterRoleBinding' : 'RoleBinding';
      return {
        allowed: true,
        reason: `EKS Access Policy: allowed by ${binding} "${principalArn}+${policy.policyArn}" of ClusterRole "${policy.policyArn}" to User "${username}"`,
      };
    }
  }
  return { allowed: false, reason: '' };
}
