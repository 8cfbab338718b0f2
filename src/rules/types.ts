/** A rule is the only place that knows what a finding means and how to fix it (STYLE: one rule, one place). */

export type Severity = 'error' | 'warning' | 'info';

/** Ordered so that `--fail-on` is one comparison. */
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Free-form facts a check attaches to a finding; rules read them to build text and fixes. */
export type Evidence = Record<string, unknown>;

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
}

export interface Fix {
  summary: string;
  commands: string[];
}

export interface Rule {
  /** `area/slug`, stable forever (SPEC §5). */
  id: string;
  severity: Severity;
  /** Catalog title, shown by `rules` and `explain`. */
  title: string;
  /** Plain explanation of the problem and why it breaks access. */
  explain: string;
  /** Documentation URLs (AWS or Kubernetes). */
  docs: string[];
  /** True for causes, false for symptoms and healthy facts. */
  rootCause: boolean;
  /** Symptom rule IDs this cause explains (root-cause step attaches them). */
  explains?: string[];
  /** One-line title of a concrete finding, from its evidence. */
  message(e: Evidence, t: Target): string;
  /** Longer text with the evidence spelled out. */
  detail?(e: Evidence, t: Target): string;
  /** Required for error and warning rules. */
  fix?(e: Evidence, t: Target): Fix;
}

/** Helpers for evidence fields, so rules stay short and never print `undefined`. */
export function str(e: Evidence, key: string, fallback = `<${key}>`): string {
  const v = e[key];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : fallback;
}
