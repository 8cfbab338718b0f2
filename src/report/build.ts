import type { EmittedFinding, EngineResult } from '../engine/run.js';
import { findRule, type CatalogRule, type RuleId } from '../rules/index.js';
import { SEVERITY_RANK, type Target } from '../rules/rule.js';
import { redact } from '../shared/redact.js';
import type { Evidence, Report, ReportCheck, ReportFinding, ReportIdentity, ReportSource, Verdict } from './model.js';

export interface BuildInput {
  version: string;
  startedAt: Date;
  durationMs: number;
  engine: EngineResult;
  identity?: ReportIdentity | null;
  /**
   * The API server itself confirmed that the diagnosed principal gets in and may read. The run is
   * still `incomplete` when a check could not run (SPEC §3: exit 0 needs a complete diagnosis); the
   * headline says that access works.
   */
  accessConfirmed?: boolean;
  /** Titles of the checks that --offline left out, so the summary never reads as a full diagnosis. */
  notRun?: readonly string[];
}

/** One finding joined with its rule: the text, fix and docs its evidence and the target's names make. */
export function renderFinding(f: EmittedFinding, target: Target): ReportFinding {
  const rule = findRule(f.rule) as CatalogRule;
  const fix = rule.fix?.(f.evidence, target);
  return {
    rule: rule.id,
    severity: rule.severity,
    check: f.check,
    title: rule.message(f.evidence, target),
    ...(rule.detail && { detail: rule.detail(f.evidence, target) }),
    evidence: f.evidence as Evidence,
    ...(fix && { fix }),
    docs: [...rule.docs],
    rootCause: false,
  };
}

/** Joins each finding with its rule (text, fix, docs), decides the root causes and the verdict. */
export function buildReport(input: BuildInput): Report {
  const { engine } = input;
  const findings = engine.findings.map((f) => renderFinding(f, engine.target));
  const rootCauses = markRootCauses(findings);
  pointSymptomsAtCauses(findings);
  const couldNotRun = engine.checks.filter((c) => c.couldNotRun);
  const verdict = verdictOf(findings, couldNotRun.length > 0);
  const ordered = [...findings].sort((a, b) => rank(b) - rank(a));
  const checks: ReportCheck[] = engine.checks.map(({ couldNotRun: _, ...c }) => c);
  return redact({
    schemaVersion: 1,
    tool: { name: 'eksdoctor', version: input.version },
    startedAt: input.startedAt.toISOString(),
    durationMs: input.durationMs,
    target: engine.target,
    identity: input.identity ?? null,
    verdict,
    summary: summarize(verdict, ordered, engine.checks.filter((c) => c.status === 'error'), input.accessConfirmed === true) + offlineNote(engine, input.notRun),
    rootCauses,
    sources: sourcesOf(engine),
    checks,
    findings: ordered,
  });
}

const SOURCE_ORDER: readonly ReportSource['name'][] = ['kubernetes-api', 'eks', 'authenticator-log', 'cloudtrail', 'audit-log', 'iam'];

function sourcesOf(engine: EngineResult): ReportSource[] {
  const seen = engine.facts.sources ?? new Map();
  return SOURCE_ORDER.filter((name) => seen.has(name)).map((name) => ({ name, ...seen.get(name)! }));
}

/**
 * One fix per problem (issue 13): a symptom that a present root cause explains points at that cause
 * instead of carrying commands of its own, so a report never offers two different fixes for one problem.
 */
function pointSymptomsAtCauses(findings: ReportFinding[]): void {
  for (const cause of findings.filter((f) => f.rootCause)) {
    for (const symptom of findings) {
      if (symptom === cause || !cause.explains?.includes(symptom.rule as RuleId) || !symptom.fix) continue;
      symptom.fix = { summary: `Fixed by fixing the root cause: ${cause.title} [${cause.rule}].`, commands: [] };
    }
  }
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
    const explainsError = rule.explains.some((s) => errors.has(s));
    if (!rule.rootCause || (f.severity !== 'error' && !explainsError) || explainedBy.has(f.rule)) continue;
    f.rootCause = true;
    const explains = rule.explains.filter((s) => present.has(s));
    if (explains.length > 0) f.explains = explains;
    if (!causes.includes(f.rule)) causes.push(f.rule);
  }
  return causes;
}

/** SPEC §4: fail, else incomplete, else warn, else pass. A check that could not run is never a pass. */
function verdictOf(findings: ReportFinding[], someCouldNotRun: boolean): Verdict {
  if (findings.some((f) => f.severity === 'error')) return 'fail';
  if (someCouldNotRun) return 'incomplete';
  if (findings.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}

function rank(f: ReportFinding): number {
  return (f.rootCause ? 10 : 0) + SEVERITY_RANK[f.severity];
}

function summarize(verdict: Verdict, ordered: ReportFinding[], errored: { title: string; reason?: string }[], accessConfirmed: boolean): string {
  const top = ordered[0];
  const what = errored.map((c) => `${c.title} (${c.reason ?? 'could not run'})`).join('; ');
  const couldNotRun = errored.length > 0 ? ` Could not check: ${what}.` : '';
  if (top?.rootCause) return `Root cause: ${top.title}.${couldNotRun}`;
  if (verdict === 'fail') return `${count(ordered, 'error')}: ${top!.title}.${couldNotRun}`;
  if (verdict === 'incomplete') {
    const status = accessConfirmed ? 'the API server accepts you, but the diagnosis could not finish' : 'the diagnosis could not finish';
    return `Incomplete: ${status}. Could not check: ${what || 'a check it depends on could not run'}.`;
  }
  if (verdict === 'warn') return `No errors; ${count(ordered, 'warning')}: ${ordered.find((f) => f.severity === 'warning')!.title}.`;
  return 'No problems found.';
}

function offlineNote(engine: EngineResult, notRun: readonly string[] | undefined): string {
  if (!notRun?.length) return '';
  return ` Offline: ran ${engine.checks.map((c) => c.title).join(', ')}; the ${notRun.length} live checks (${notRun.slice(0, 3).join(', ')}, …) did not run.`;
}

function count(findings: ReportFinding[], severity: 'error' | 'warning'): string {
  const n = findings.filter((f) => f.severity === severity).length;
  return `${n} ${severity}${n === 1 ? '' : 's'}`;
}
