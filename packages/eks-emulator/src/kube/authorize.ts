/**
 * EKS's authorizer chain for an authenticated user: the `system:masters` privileged group
 * (kube-apiserver's authorizerfactory.NewPrivilegedGroups, reason ""), then RBAC, then EKS access
 * policies (EKS's webhook authorizer). The first allow wins; nothing denies explicitly.
 */
import type { ScenarioAccessPolicy } from '../scenario.js';
import { authorizeByAccessPolicies } from './access-policy-rules.js';
import type { Decision, PolicyRule, RbacAuthorizer, RequestAttributes, UserInfo } from './rbac.js';

export interface AuthorizationSubject extends UserInfo {
  accessPolicies?: readonly ScenarioAccessPolicy[];
  entryPrincipalArn?: string;
}

export function authorize(rbac: RbacAuthorizer, user: AuthorizationSubject, attrs: RequestAttributes): Decision {
  if (user.groups.includes('system:masters')) return { allowed: true, reason: '' };
  const byRbac = rbac.authorize(user, attrs);
  if (byRbac.allowed) return byRbac;
  if (user.accessPolicies?.length && user.entryPrincipalArn) {
    return authorizeByAccessPolicies(user.accessPolicies, user.entryPrincipalArn, user.username, attrs);
  }
  return { allowed: false, reason: '' };
}

export interface RulesReviewStatus {
  resourceRules: { verbs: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }[];
  nonResourceRules: { verbs: string[]; nonResourceURLs: string[] }[];
  incomplete: boolean;
  evaluationError?: string;
}

/**
 * SelfSubjectRulesReview: RBAC rules only. A webhook authorizer cannot list rules, so with access
 * entries in play the answer is incomplete (kubernetes webhook authorizer RulesFor), which is why
 * access policies never show in `kubectl auth can-i --list`.
 */
export function rulesReview(rbac: RbacAuthorizer, user: UserInfo, namespace: string, webhookAuthorizer: boolean): RulesReviewStatus {
  const rules: PolicyRule[] = user.groups.includes('system:masters')
    ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }]
    : rbac.rulesFor(user, namespace);
  const status: RulesReviewStatus = {
    resourceRules: rules
      .filter((r) => (r.resources?.length ?? 0) > 0)
      .map((r) => ({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources, ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) })),
    nonResourceRules: rules.filter((r) => (r.nonResourceURLs?.length ?? 0) > 0).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs! })),
    incomplete: webhookAuthorizer,
  };
  if (webhookAuthorizer) status.evaluationError = 'webhook authorizer does not support user rule resolution';
  return status;
}
