import type { CheckStatus } from '../checks/types.js';
import type { Fix, Severity, Target } from '../rules/rule.js';

/** A finding's evidence as JSON: the facts its rule's text and fix were built from. */
export type Evidence = Record<string, unknown>;

/** The report of one `auth` run (SPEC §4, schemaVersion 1): plain JSON-serialisable data. */
export interface Report {
  schemaVersion: 1;
  tool: { name: 'eksdoctor'; version: string };
  startedAt: string;
  durationMs: number;
  target: Target;
  identity: ReportIdentity | null;
  verdict: Verdict;
  summary: string;
  rootCauses: string[];
  /** Every evidence source consulted and its outcome (SPEC §4, §10), in a fixed order. */
  sources: ReportSource[];
  checks: ReportCheck[];
  findings: ReportFinding[];
}

export interface ReportSource {
  name: 'kubernetes-api' | 'eks' | 'authenticator-log' | 'cloudtrail' | 'audit-log' | 'iam';
  status: 'read' | 'denied' | 'absent' | 'skipped';
  reason?: string;
}

/**
 * `fail`: an error finding; `incomplete`: a check on the path to the answer could not run (or was
 * skipped because one could not), so the diagnosis did not happen; `warn`: warnings only; `pass`.
 */
export type Verdict = 'pass' | 'warn' | 'incomplete' | 'fail';

/** Worst first, so a fleet's verdict is its worst context's. */
export const VERDICT_ORDER: readonly Verdict[] = ['pass', 'warn', 'incomplete', 'fail'];

export interface ReportIdentity {
  arn: string;
  principalArn: string;
  accountId: string;
  source: 'exec-token' | 'sdk' | 'principal-option';
}

export interface ReportCheck {
  id: string;
  title: string;
  status: CheckStatus;
  durationMs: number;
  reason?: string;
}

export interface ReportFinding {
  rule: string;
  severity: Severity;
  check: string;
  title: string;
  detail?: string;
  evidence: Evidence;
  fix?: Fix;
  docs: string[];
  rootCause: boolean;
  /** Rule IDs of the symptoms this root cause explains. */
  explains?: string[];
}

/** `--all-contexts` output. */
export interface FleetReport {
  schemaVersion: 1;
  startedAt: string;
  /** The whole fleet's run, within one --timeout. */
  durationMs: number;
  verdict: Verdict;
  reports: Report[];
}
