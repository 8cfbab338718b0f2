import type { EngineResult } from '../engine/run.js';
import { findRule } from '../rules/index.js';
import { SEVERITY_RANK, type Rule } from '../rules/types.js';
import type { Report, ReportFinding, ReportIdentity, Verdict } from './model.js';
import { redact } from './redact.js';

export interface BuildInput {
  version: string;
  startedAt: Date;
  durationMs: number;
  engine: EngineResult;
  identity?: ReportIdentity | null;
}

/** Joins each finding with its rule (text, fix, docs), decides the root causes and the verdict. */
export function buildReport(input: BuildInput): Report {
  const { engine } = input;
  const findings: ReportFinding[] = engine.findings.map((f) => {
    const rule = findRule(f.rule) as Rule;
    const fix = rule.fix?.(f.evidence, engine.target);
    return {
      rule: rule.id,
      severity: rule.severity,
      check: f.check,
      title: rule.message(f.evidence, engine.target),
      ...(rule.detail && { detail: rule.detail(f.evidence, engine.target) }),
      evidence: f.evidence,
      ...(fix && { fix }),
      docs: rule.docs,
      rootCause: false,
    };
  });
  const rootCauses = markRootCauses(findings);
  const verdict = verdictOf(findings);
  const ordered = [...findings].sort((a, b) => rank(b) - rank(a));
  return redact({
    schemaVersion: 1,
    tool: { name: 'eksdoctor', version: input.version },
    startedAt: input.startedAt.toISOString(),
    durationMs: input.durationMs,
    target: engine.target,
    identity: input.identity ?? null,
    verdict,
    summary: summarize(verdict, ordered, engine.checks.filter((c) => c.status === 'error').length),
    rootCauses,
    checks: engine.checks,
    findings: ordered,
  });
}

/**
 * A finding is a root cause when its rule is a cause, it is an error (or explains one), and no other
 * present cause explains it. Each cause lists the present symptoms it explains, so they read as one story.
 */
function markRootCauses(findings: ReportFinding[]): string[] {
  const present = new Set(findings.map((f) => f.rule));
  const explainedBy = new Map<string, string>();
  for (const f of findings) {
    for (const s of findRule(f.rule)?.explains ?? []) if (present.has(s) && s !== f.rule && !explainedBy.has(s)) explainedBy.set(s, f.rule);
  }
  const errors = new Set(findings.filter((f) => f.severity === 'error').map((f) => f.rule));
  const causes: string[] = [];
  for (const f of findings) {
    const rule = findRule(f.rule)!;
    // A warning is a root cause too when it explains an error that is present (unbound groups → forbidden).
    const explainsError = (rule.explains ?? []).some((s) => errors.has(s));
    if (!rule.rootCause || (f.severity !== 'error' && !explainsError) || explainedBy.has(f.rule)) continue;
    f.rootCause = true;
    const explains = (rule.explains ?? []).filter((s) => present.has(s));
    if (explains.length > 0) f.explains = explains;
    if (!causes.includes(f.rule)) causes.push(f.rule);
  }
  return causes;
}

function verdictOf(findings: ReportFinding[]): Verdict {
  if (findings.some((f) => f.severity === 'error')) return 'fail';
  if (findings.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}

function rank(f: ReportFinding): number {
  return (f.rootCause ? 10 : 0) + SEVERITY_RANK[f.severity];
}

function summarize(verdict: Verdict, ordered: ReportFinding[], errors: number): string {
  const top = ordered[0];
  const couldNotRun = errors > 0 ? ` ${errors} check${errors > 1 ? 's' : ''} could not run.` : '';
  if (top?.rootCause) return `Root cause: ${top.title}.${couldNotRun}`;
  if (verdict === 'fail') return `${ordered.filter((f) => f.severity === 'error').length} error(s): ${top!.title}.${couldNotRun}`;
  if (verdict === 'warn') return `No errors; ${ordered.filter((f) => f.severity === 'warning').length} warning(s): ${top!.title}.${couldNotRun}`;
  return `No problems found.${couldNotRun}`;
}
