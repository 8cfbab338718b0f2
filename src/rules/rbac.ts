import { contextFlag, listOf, shq } from './commands.js';
import { DOCS } from './docs.js';
import { rule } from './rule.js';

export const rbacRules = {
  'rbac/groups-without-bindings': rule({
    severity: 'warning',
    title: 'Mapped groups are bound to nothing',
    explain:
      'The mapping gives the principal Kubernetes groups, but no RoleBinding or ClusterRoleBinding names those groups (or the username), so RBAC grants nothing through them. system:masters needs no binding; other groups do.',
    docs: [DOCS.rbac, DOCS.authConfigMap],
    rootCause: true,
    example: { groups: ['dev-team'], username: 'dev:alice', source: 'bindings' },
    explains: ['kube/forbidden'],
    message: (e: { groups: string[]; username?: string; source: 'bindings' | 'SelfSubjectRulesReview' }) => `No RoleBinding or ClusterRoleBinding names ${listOf(e.groups)}`,
    fix: (e, t) => {
      const group = e.groups[0] ?? '<group>';
      return {
        summary: `Bind ${group} to the role it is meant to have (view shown).`,
        commands: [`kubectl create clusterrolebinding ${shq(`${group.replace(/[^a-z0-9-]/gi, '-')}-view`)} --clusterrole=view --group=${shq(group)}${contextFlag(t)}`],
      };
    },
  }),
};
