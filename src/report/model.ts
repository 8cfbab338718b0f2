import type { CheckStatus } from '../engine/types.js';
import type { Evidence, Fix, Severity, Target } from '../rules/types.js';

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
  checks: ReportCheck[];
  findings: ReportFinding[];
}

export type Verdict = 'pass' | 'warn' | 'fail';

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
  verdict: Verdict;
  reports: Report[];
}
