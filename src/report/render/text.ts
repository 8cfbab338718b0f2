import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckStatus } from '../../checks/types.js';
import type { Severity } from '../../rules/rule.js';
import type { FleetReport, Report, ReportFinding, Verdict } from '../model.js';

export interface TextOptions {
  color: boolean;
}

const STATUS_GLYPH: Record<CheckStatus, string> = { pass: '✔', warn: '!', fail: '✖', skip: '-', error: '?' };
const SEVERITY_GLYPH: Record<Severity, string> = { error: '✖', warning: '!', info: 'i' };
const VERDICT_WORD: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', incomplete: 'INCOMPLETE', fail: 'FAIL' };

/** Human report: verdict and root cause first, then one line per check, then findings with ready-to-paste fixes. */
export function renderText(report: Report, options: TextOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const paint = painter(c);
  const out: string[] = [];
  const where = [report.target.context, report.target.region].filter(Boolean).join(' · ');
  out.push(`${paint.verdict(report.verdict)(`${VERDICT_WORD[report.verdict]}`)}  ${c.bold(report.summary)}`);
  if (where) out.push(c.dim(`   ${where}${report.target.server ? ` · ${report.target.server}` : ''}`));
  if (report.identity) out.push(c.dim(`   identity: ${report.identity.arn}${report.identity.principalArn !== report.identity.arn ? ` → ${report.identity.principalArn}` : ''} (${report.identity.source})`));
  out.push('', c.bold('Checks'));
  const width = Math.max(...report.checks.map((ch) => ch.title.length), 8);
  for (const ch of report.checks) {
    const reason = ch.reason ? c.dim(`  ${ch.reason}`) : '';
    out.push(`  ${paint.status(ch.status)(STATUS_GLYPH[ch.status])} ${ch.title.padEnd(width)} ${c.dim(`${ch.durationMs} ms`)}${reason}`);
  }
  // Symptoms a root cause explains are listed under it in one line each, not repeated with their own fixes.
  const explained = new Set(report.findings.filter((f) => f.rootCause).flatMap((f) => f.explains ?? []));
  const symptomsOf = (f: ReportFinding) => report.findings.filter((s) => !s.rootCause && f.explains?.includes(s.rule));
  if (report.findings.length > 0) out.push('', c.bold('Findings'));
  for (const f of report.findings) {
    if (!f.rootCause && explained.has(f.rule)) continue;
    out.push(...renderFinding(f, c, paint, f.rootCause ? symptomsOf(f) : []));
  }
  return `${out.join('\n')}\n`;
}

function renderFinding(f: ReportFinding, c: ChalkInstance, paint: ReturnType<typeof painter>, symptoms: ReportFinding[]): string[] {
  const lines: string[] = [];
  const tag = f.rootCause ? c.bold(' ROOT CAUSE') : '';
  lines.push(`  ${paint.severity(f.severity)(SEVERITY_GLYPH[f.severity])} ${f.title}${tag}  ${c.dim(`[${f.rule}]`)}`);
  if (f.detail) lines.push(...wrap(f.detail, 6).map((l) => c.dim(l)));
  for (const s of symptoms) lines.push(c.dim(`      ↳ which is why: ${s.title}  [${s.rule}]`));
  if (f.fix) {
    lines.push(`      ${c.bold('Fix:')} ${f.fix.summary}`);
    for (const cmd of f.fix.commands) lines.push(`        ${c.cyan(cmd)}`);
  }
  if (f.severity !== 'info' && f.docs.length > 0) lines.push(c.dim(`      Docs: ${f.docs.join(' ')}`));
  return lines;
}

function painter(c: ChalkInstance) {
  return {
    verdict: (v: Verdict) => (v === 'pass' ? c.bgGreen.black : v === 'warn' ? c.bgYellow.black : c.bgRed.white),
    status: (s: CheckStatus) => (s === 'pass' ? c.green : s === 'warn' ? c.yellow : s === 'fail' || s === 'error' ? c.red : c.dim),
    severity: (s: Severity) => (s === 'error' ? c.red : s === 'warning' ? c.yellow : c.blue),
  };
}

function wrap(text: string, indent: number, width = 100): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line && line.length + word.length + 1 > width - indent) {
        lines.push(pad + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(pad + line);
  }
  return lines;
}

/** `--all-contexts`: one line per context, then the full report of every context that did not pass. */
export function renderFleetText(fleet: FleetReport, options: TextOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const paint = painter(c);
  const width = Math.max(7, ...fleet.reports.map((r) => (r.target.context ?? '').length));
  const lines = [
    `${paint.verdict(fleet.verdict)(VERDICT_WORD[fleet.verdict])}  ${c.bold(`${fleet.reports.length} context${fleet.reports.length === 1 ? '' : 's'}`)}`,
    '',
    ...fleet.reports.map((r) => `  ${paint.verdict(r.verdict)(VERDICT_WORD[r.verdict])}  ${(r.target.context ?? '(none)').padEnd(width)}  ${r.summary}`),
  ];
  const failing = fleet.reports.filter((r) => r.verdict !== 'pass');
  return `${lines.join('\n')}\n${failing.map((r) => `\n${c.bold(`── ${r.target.context ?? '(none)'}`)}\n${renderText(r, options)}`).join('')}`;
}
