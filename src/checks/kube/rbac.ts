import type { ResourceRule } from '../../facts/kube-api.js';
import { finding } from '../../rules/index.js';
import { defineCheck } from '../types.js';
import { fixersHere } from '../mapping/fixers.js';
import { callOptions } from './kube-auth.js';

/** Groups Kubernetes itself adds to every authenticated user: RBAC bindings are not expected for them. */
const BUILTIN_GROUPS = new Set(['system:authenticated', 'system:masters', 'system:bootstrappers', 'system:nodes']);
/** What every authenticated user may do through the default system:basic-user role (self reviews). */
const SELF_REVIEW_GROUPS = new Set(['authorization.k8s.io', 'authentication.k8s.io']);

/**
 * When the API server accepts the principal but forbids everything: are its mapped groups bound to
 * anything? Read from the bindings when the principal may list them, else from SelfSubjectRulesReview.
 */
export const rbacCheck = defineCheck({
  id: 'rbac',
  title: 'RBAC',
  dependsOn: ['kube-auth'],
  after: ['aws-auth', 'access-entries'],
  emits: ['rbac/groups-without-bindings'],
  async run(ctx) {
    const kube = ctx.facts.kube!;
    if (!kube.authenticated || (kube.allowed?.length ?? 0) > 0) return { findings: [] };
    const groups = (kube.groups ?? []).filter((g) => !BUILTIN_GROUPS.has(g) && !g.startsWith('system:serviceaccounts'));
    if (groups.length === 0) return { findings: [] }; // nothing to bind: the mapping itself is the problem

    const bindings = await kube.api.listBindings(callOptions(ctx));
    const lists = [bindings.clusterRoleBindings, bindings.roleBindings];
    if (lists.every((l) => l.ok)) {
      const bound = new Set(lists.flatMap((l) => (l.ok ? l.items : [])).flatMap((b) => b.subjects.filter((s) => s.kind === 'Group').map((s) => s.name)));
      const unbound = groups.filter((g) => !bound.has(g));
      return unbound.length === groups.length ? { findings: [finding('rbac/groups-without-bindings', { groups, username: kube.username, source: 'bindings', fixers: await fixersHere(ctx) })] } : { findings: [] };
    }
    // May not list bindings: what does the server say this user may do at all?
    const rules = await kube.api.rules(ctx.facts.kubeconfig?.context.namespace || 'default', callOptions(ctx));
    if (rules.ok && !rules.incomplete && rules.resourceRules.every(isSelfReview)) {
      return { findings: [finding('rbac/groups-without-bindings', { groups, username: kube.username, source: 'SelfSubjectRulesReview', fixers: await fixersHere(ctx) })] };
    }
    return { findings: [] };
  },
});

function isSelfReview(rule: ResourceRule): boolean {
  return rule.apiGroups.every((g) => SELF_REVIEW_GROUPS.has(g));
}
