/**
 * The rule catalog: one explicit map from stable ID to rule, by area in access-path order (ESLint's
 * lib/rules/index.js). `RuleId` and each rule's evidence type are derived from it, so a finding is a
 * discriminated union the compiler checks, and an `explains` entry that names no rule fails `tsc`.
 */
import { accessEntryRules } from './access-entry.js';
import { awsAuthRules } from './aws-auth.js';
import { clusterRules } from './cluster.js';
import { historyRules } from './history.js';
import { identityRules } from './identity.js';
import { kubeRules } from './kube.js';
import { kubeconfigRules } from './kubeconfig.js';
import { lintRules } from './lint.js';
import { logsRules } from './logs.js';
import { rbacRules } from './rbac.js';
import type { Fix, Rule, Severity, Target } from './rule.js';

const CATALOG = {
  ...kubeconfigRules,
  ...identityRules,
  ...clusterRules,
  ...accessEntryRules,
  ...awsAuthRules,
  ...kubeRules,
  ...rbacRules,
  ...logsRules,
  ...lintRules,
  ...historyRules,
};

type Catalog = typeof CATALOG;
export type RuleId = keyof Catalog;
export type EvidenceOf<Id extends RuleId> = Catalog[Id] extends Rule<infer E, infer _X> ? E : never;

/** What a check reports: a rule ID and that rule's evidence; the report builder adds text, fix and docs. */
export type Finding = { [Id in RuleId]: { rule: Id; evidence: EvidenceOf<Id> } }[RuleId];
export type FindingOf<Id extends RuleId> = Extract<Finding, { rule: Id }>;

// Compile-time: every `explains` entry names a rule of the catalog.
type ExplainsOf<R> = R extends Rule<infer _E, infer X> ? X[number] : never;
type UnknownExplains = Exclude<ExplainsOf<Catalog[RuleId]>, RuleId>;
const explainsNameRules: [UnknownExplains] extends [never] ? true : { unknownRuleIds: UnknownExplains } = true;
void explainsNameRules;

/** A catalog entry as the report and the `rules` command see it: evidence-agnostic. */
export interface CatalogRule {
  id: RuleId;
  severity: Severity;
  title: string;
  explain: string;
  docs: readonly string[];
  rootCause: boolean;
  explains: readonly RuleId[];
  example: unknown;
  message(e: unknown, t: Target): string;
  detail?(e: unknown, t: Target): string;
  fix?(e: unknown, t: Target): Fix;
}

export const RULES: readonly CatalogRule[] = Object.entries(CATALOG).map(([id, r]) => ({ ...(r as unknown as CatalogRule), id: id as RuleId, explains: (r.explains ?? []) as readonly RuleId[] }));

const BY_ID = new Map<string, CatalogRule>(RULES.map((r) => [r.id, r]));

export function findRule(id: string): CatalogRule | undefined {
  return BY_ID.get(id);
}

export function isRuleId(id: string): id is RuleId {
  return BY_ID.has(id);
}

export function severityOf(id: string): Severity | undefined {
  return BY_ID.get(id)?.severity;
}

/** A finding, typed by its rule: `finding('kube/unauthorized', { … })`. */
export function finding<Id extends RuleId>(rule: Id, evidence: EvidenceOf<Id>): FindingOf<Id> {
  return { rule, evidence } as unknown as FindingOf<Id>;
}
