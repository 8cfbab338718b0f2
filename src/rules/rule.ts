/**
 * A rule is the only place that knows what a finding means and how to fix it (STYLE: one rule, one
 * place). Its evidence type is the type of its `message` parameter, so a check that builds evidence
 * with a key the rule does not declare, or without one it needs, fails `tsc` (ESLint's messageId + data).
 */

import type { AwsAuthContent } from './evidence.js';

export type Severity = 'error' | 'warning' | 'info';

/** Ordered so that `--fail-on` is one comparison. */
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** What the report knows about the target, for filling real names into fix commands. */
export interface Target {
  kubeconfig: string[];
  context?: string;
  cluster?: string;
  region?: string;
  server?: string;
  accountId?: string;
  /** The AWS profile the exec plugin uses (env AWS_PROFILE or --profile), if any. */
  profile?: string;
  /** The aws-auth sections as read (live, file or audit log): fixes patch whole sections exactly. */
  awsAuth?: AwsAuthContent;
}

export interface Fix {
  summary: string;
  /** Complete shell commands, to run in order; real names filled in, every value quoted where it must be. */
  commands: string[];
  /** Values the commands leave to the reader, as shell variables (`"$KUBERNETES_GROUP"`): name → what to set it to. */
  placeholders?: Record<string, string>;
  /** Lines to add by hand in an editor a command opens (`kubectl edit`), and where. */
  insert?: { where: string; lines: string[] };
  /** Another way to the same result (e.g. eksctl beside kubectl-only), for whoever prefers it: not to run as well. */
  alternative?: { summary: string; commands: string[] };
}

export interface Rule<E, X extends readonly string[] = readonly string[]> {
  severity: Severity;
  /** Catalog title, shown by `rules` and `explain`. */
  title: string;
  /** Plain explanation of the problem and why it breaks access. */
  explain: string;
  /** Documentation URLs (AWS or Kubernetes). */
  docs: readonly string[];
  /** True for causes, false for symptoms and healthy facts. */
  rootCause: boolean;
  /** Symptom rule IDs this cause explains (root-cause step attaches them); checked against the catalog by tsc. */
  explains?: X;
  /** Evidence as a check would produce it, with made-up names: `explain`, the docs and the catalog tests render it. */
  example: NoInfer<E>;
  /** One-line title of a concrete finding, from its evidence. */
  message(e: E, t: Target): string;
  /** Longer text with the evidence spelled out. */
  detail?(e: E, t: Target): string;
  /** Required for error and warning rules (catalog test). */
  fix?(e: E, t: Target): Fix;
}

/** Declares a rule; its evidence type is inferred from the annotated `message` parameter. */
export function rule<E, const X extends readonly string[] = readonly []>(spec: Rule<E, X>): Rule<E, X> {
  return spec;
}
