import { listOf, shq } from './commands.js';
import { DOCS } from './docs.js';
import type { Fixer } from './evidence.js';
import { runnerFor } from './grant.js';
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
    message: (e: { groups: string[]; username?: string; source: 'bindings' | 'SelfSubjectRulesReview'; fixers?: Fixer[] }) => `No RoleBinding or ClusterRoleBinding names ${listOf(e.groups)}`,
    fix: (e, t) => {
      const group = e.groups[0] ?? '<group>';
      // The principal may do nothing, so not create a binding either: a cluster administrator does.
      const run = runnerFor(e.fixers ?? [], t);
      return {
        summary: `${run.who}Bind ${group} to the role it is meant to have (view shown).`,
        commands: [...run.setup, `kubectl create clusterrolebinding ${shq(`${group.replace(/[^a-z0-9-]/gi, '-')}-view`)} --clusterrole=view --group=${shq(group)}${run.flag}`],
        ...(run.placeholders && { placeholders: run.placeholders }),
      };
    },
  }),
};
