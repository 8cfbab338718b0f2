import { Chalk, type ChalkInstance } from 'chalk';
import type { CheckStatus } from '../../checks/types.js';
import type { Severity } from '../../rules/rule.js';
import type { FleetReport, Report, ReportFinding, Verdict } from '../model.js';
import { fixLines } from './fix.js';

const STATUS_GLYPH: Record<CheckStatus, string> = { pass: '✔', warn: '!', fail: '✖', skip: '-', error: '?' };
const SEVERITY_GLYPH: Record<Severity, string> = { error: '✖', warning: '!', info: 'i' };
const VERDICT_WORD: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', incomplete: 'INCOMPLETE', fail: 'FAIL' };

export interface TextOptions {
  color: boolean;
  /** Terminal columns (process.stdout.columns); 80 when unknown. Fix commands are never wrapped. */
  width?: number;
}

/** Human report: verdict and root cause first, then one line per check, then findings with ready-to-paste fixes, then a closing line. */
export function renderText(report: Report, options: TextOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const paint = painter(c);
  const width = Math.max(40, options.width ?? 80);
  const out: string[] = [];
  const where = [report.target.context, report.target.region].filter(Boolean).join(' · ');
  const head = wrap(report.summary, VERDICT_WORD[report.verdict].length + 2, width);
  out.push(`${paint.verdict(report.verdict)(`${VERDICT_WORD[report.verdict]}`)}  ${c.bold(head[0]!.trimStart())}`, ...head.slice(1).map((l) => c.bold(l)));
  if (where) out.push(c.dim(`   ${where}${report.target.server ? ` · ${report.target.server}` : ''}`));
  if (report.identity) out.push(c.dim(`   identity: ${report.identity.arn}${report.identity.principalArn !== report.identity.arn ? ` → ${report.identity.principalArn}` : ''} (${report.identity.source})`));
  if (report.sources.length > 0) out.push(...wrap(`Evidence from: ${report.sources.map(describeSource).join(', ')}`, 3, width).map((l) => c.dim(l)));
  out.push('', c.bold('Checks'));
  const titleWidth = Math.max(...report.checks.map((ch) => ch.title.length), 8);
  for (const ch of report.checks) {
    const reason = ch.reason ? c.dim(`  ${ch.reason}`) : '';
    out.push(`  ${paint.status(ch.status)(STATUS_GLYPH[ch.status])} ${ch.title.padEnd(titleWidth)} ${c.dim(`${ch.durationMs} ms`)}${reason}`);
  }
  // Symptoms a root cause explains are listed under it in one line each, not repeated with their own fixes.
  const explained = new Set(report.findings.filter((f) => f.rootCause).flatMap((f) => f.explains ?? []));
  const symptomsOf = (f: ReportFinding) => report.findings.filter((s) => !s.rootCause && f.explains?.includes(s.rule));
  if (report.findings.length > 0) out.push('', c.bold('Findings'));
  for (const f of report.findings) {
    if (!f.rootCause && explained.has(f.rule)) continue;
    out.push(...renderFinding(f, c, paint, f.rootCause ? symptomsOf(f) : [], width));
  }
  out.push('', closingLine(report, c, paint, width));
  return `${out.join('\n')}\n`;
}

/** `cloudtrail read`, `kubernetes-api denied (401 Unauthorized)`. */
function describeSource(s: Report['sources'][number]): string {
  return `${s.name} ${s.status}${s.reason && s.status !== 'read' ? ` (${s.reason})` : ''}`;
}

/** The answer again, where the eye is when the run ends: verdict, root causes, counts. */
function closingLine(report: Report, c: ChalkInstance, paint: ReturnType<typeof painter>, width: number): string {
  const count = (sev: Severity) => report.findings.filter((f) => f.severity === sev).length;
  const counts = [`${count('error')} error${count('error') === 1 ? '' : 's'}`, `${count('warning')} warning${count('warning') === 1 ? '' : 's'}`];
  const causes = report.rootCauses.length ? `root cause ${report.rootCauses.join(', ')}` : report.verdict === 'incomplete' ? 'some checks could not run' : 'no root cause';
  const word = VERDICT_WORD[report.verdict];
  const [first, ...rest] = wrap(`${word} ${causes} · ${counts.join(', ')} · ${report.durationMs} ms`, 0, width);
  return [`${paint.verdict(report.verdict)(word)} ${c.dim(first!.slice(word.length + 1))}`, ...rest.map((l) => c.dim(l))].join('\n');
}

function renderFinding(f: ReportFinding, c: ChalkInstance, paint: ReturnType<typeof painter>, symptoms: ReportFinding[], width: number): string[] {
  const lines: string[] = [];
  const tag = f.rootCause ? ' ROOT CAUSE' : '';
  const title = wrap(`${f.title}${tag}  [${f.rule}]`, 4, width);
  lines.push(`  ${paint.severity(f.severity)(SEVERITY_GLYPH[f.severity])} ${title[0]!.trimStart()}`, ...title.slice(1));
  if (f.detail) lines.push(...wrap(f.detail, 6, width).map((l) => c.dim(l)));
  for (const s of symptoms) lines.push(...wrap(`↳ which is why: ${s.title}  [${s.rule}]`, 6, width).map((l) => c.dim(l)));
  if (f.fix) {
    lines.push(...wrap(`Fix: ${f.fix.summary}`, 6, width));
    for (const l of fixLines(f.fix)) {
      if (l.kind === 'command') lines.push(`        ${c.cyan(l.text)}`);
      else if (l.kind === 'insert') lines.push(`          ${c.cyan(l.text)}`);
      else lines.push(...wrap(l.text, l.text.startsWith('Or: ') ? 6 : 8, width).map((x) => (l.text.startsWith('Or: ') ? x : c.dim(x))));
    }
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

/** Words to lines of at most `width` columns, each indented (a hanging indent for all but the first's glyph). */
function wrap(text: string, indent: number, width: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line && line.length + word.length + 1 > width - indent) {
        lines.push(pad + line.trimEnd());
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(pad + line.trimEnd());
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
