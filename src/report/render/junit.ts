import { create } from 'xmlbuilder2';
import { SEVERITY_RANK } from '../../rules/rule.js';
import type { FleetReport, Report, ReportCheck, ReportFinding } from '../model.js';
import { plainFixLines } from './fix.js';

export interface JunitOptions {
  /** The command that produced the report (`auth` by default), for the suite name. */
  command?: string;
  /**
   * `--fail-on`: findings at or above it become `<failure>`s, so the test report turns red exactly
   * when the exit code is 1. Below it, warnings and facts go to `<system-out>`. Default `error`.
   */
  failOn?: 'error' | 'warning';
}

type XMLBuilder = ReturnType<typeof create>;

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/**
 * JUnit XML as Jenkins, GitLab (`artifacts:reports:junit`) and GitHub test reporters read it: one
 * `testsuite` per report, one `testcase` per check (classname `eksdoctor.<check id>`).
 * Shape: testmoapp/junitxml "Common JUnit XML format" and the Ant/Jenkins junit-4 XSD (testsuites >
 * testsuite[tests,failures,errors,skipped,time] > testcase[classname,name,time] > failure[message,type] |
 * error | skipped[message] | system-out).
 * A check's status maps as: `fail` → `<failure>`, `error` (could not run) → `<error>`, `skip` → `<skipped>`.
 * Warnings are not failures: JUnit has no "warning" state, a `<failure>` would turn the test red although
 * the exit code is 0, and `<skipped>` would say the check did not run; `<system-out>` keeps the test green
 * and the text visible in the test details. With `--fail-on warning` they become failures, as the exit code does.
 */
export function renderJunit(report: Report | FleetReport, options: JunitOptions = {}): string {
  const reports = 'reports' in report ? report.reports : [report];
  // xmlbuilder2 escapes every text and attribute; characters XML 1.0 cannot hold (NUL, most C0 controls,
  // lone surrogates, U+FFFE/FFFF) are dropped, so any finding text gives well-formed XML.
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '' });
  const root = doc.ele('testsuites', { name: 'eksdoctor' });
  const total: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  let totalMs = 0;
  for (const r of reports) {
    const counts = suite(root, r, options);
    for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += counts[k];
    totalMs += r.durationMs;
  }
  root.att({ ...stringify(total), time: seconds(totalMs) });
  return `${doc.end({ prettyPrint: true })}\n`;
}

function suite(parent: XMLBuilder, report: Report, options: JunitOptions): Counts {
  const failRank = SEVERITY_RANK[options.failOn ?? 'error'];
  const name = ['eksdoctor', options.command ?? 'auth', report.target.context].filter(Boolean).join(' ');
  const el = parent.ele('testsuite', { name });
  const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.exec(report.startedAt)?.[0];

  const props = el.ele('properties');
  const property = (n: string, v: string | undefined) => v && props.ele('property', { name: n, value: oneLine(v) });
  property('verdict', report.verdict);
  property('summary', report.summary);
  property('rootCauses', report.rootCauses.join(' '));
  property('context', report.target.context);
  property('cluster', report.target.cluster);
  property('region', report.target.region);
  property('accountId', report.target.accountId);
  property('identity', report.identity?.principalArn);
  property('eksdoctor', report.tool.version);
  for (const src of report.sources ?? []) property(`source.${src.name}`, `${src.status}${src.reason ? ` (${src.reason})` : ''}`);

  // Findings whose check is not in the list (should not happen) still get a test case of their own.
  const checks: ReportCheck[] = [...report.checks];
  for (const f of report.findings) {
    if (!checks.some((c) => c.id === f.check)) checks.push({ id: f.check, title: f.check, status: 'fail', durationMs: 0 });
  }

  // Causes first, then the other failing checks, then the rest in access-path order (issue 13 §1): a CI
  // page that shows the first failure shows the root cause, not the symptom it explains.
  const order = (c: ReportCheck) => {
    const own = report.findings.filter((f) => f.check === c.id);
    return own.some((f) => f.rootCause) ? 0 : own.some((f) => SEVERITY_RANK[f.severity] >= failRank) || c.status === 'error' ? 1 : 2;
  };
  checks.sort((a, b) => order(a) - order(b));

  for (const check of checks) {
    counts.tests++;
    const tc = el.ele('testcase', { classname: `eksdoctor.${check.id}`, name: oneLine(check.title), time: seconds(check.durationMs) });
    const findings = report.findings.filter((f) => f.check === check.id);
    const failing = findings.filter((f) => SEVERITY_RANK[f.severity] >= failRank);
    const other = findings.filter((f) => SEVERITY_RANK[f.severity] < failRank);
    if (check.status === 'error') {
      counts.errors++;
      tc.ele('error', { message: oneLine(check.reason ?? 'the check could not run'), type: 'check-error' }).txt(check.reason ?? '');
    } else if (failing.length > 0) {
      counts.failures++;
      // One <failure> per test case (Jenkins and GitLab read only one); the first is the root cause when there is one.
      const first = failing[0]!;
      const more = failing.length > 1 ? ` (+${failing.length - 1} more)` : '';
      tc.ele('failure', { message: oneLine(first.title) + more, type: first.rule }).txt(failing.map(describe).join('\n\n'));
    } else if (check.status === 'fail') {
      counts.failures++;
      tc.ele('failure', { message: oneLine(check.reason ?? 'the check failed'), type: 'check-failed' });
    } else if (check.status === 'skip') {
      counts.skipped++;
      tc.ele('skipped', { message: oneLine(check.reason ?? 'not applicable') });
    }
    if (other.length > 0) tc.ele('system-out').txt(other.map(describe).join('\n\n'));
  }

  el.att({ ...stringify(counts), time: seconds(report.durationMs), ...(timestamp && { timestamp }) });
  return counts;
}

/** The body of a failure or of system-out: what, why, the commands to run and the docs. */
function describe(f: ReportFinding): string {
  const lines = [`[${f.severity}] ${f.rule}${f.rootCause ? ' (root cause)' : ''}: ${f.title}`];
  if (f.detail) lines.push(f.detail);
  if (f.explains?.length) lines.push(`Explains: ${f.explains.join(', ')}`);
  if (f.fix) {
    lines.push(`Fix: ${f.fix.summary}`, ...plainFixLines(f.fix));
  }
  if (f.docs.length > 0) lines.push(`Docs: ${f.docs.join(' ')}`);
  return lines.join('\n');
}

/** Attribute values on one line: XML parsers turn a raw newline in an attribute into a space anyway (XML 1.0 §3.3.3). */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function stringify(counts: Counts): Record<string, string> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, String(v)]));
}
