import { accessEntryRules, rbacRules } from './access-entry.js';
import { awsAuthRules } from './aws-auth.js';
import { clusterRules } from './cluster.js';
import { identityRules } from './identity.js';
import { kubeRules } from './kube.js';
import { kubeconfigRules } from './kubeconfig.js';
import { logsRules } from './logs.js';
import type { Rule, Severity } from './types.js';

/** Every rule a check can emit, by area in access-path order. A rule joins only when a check emits it. */
const AREAS: Rule[][] = [kubeconfigRules, identityRules, clusterRules, accessEntryRules, awsAuthRules, kubeRules, rbacRules, logsRules];

export const RULES: readonly Rule[] = AREAS.flat();

const BY_ID = new Map(RULES.map((r) => [r.id, r]));

export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id);
}

export function severityOf(id: string): Severity | undefined {
  return BY_ID.get(id)?.severity;
}
