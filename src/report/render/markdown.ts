import type { CheckStatus } from '../../checks/types.js';
import type { Severity } from '../../rules/rule.js';
import type { FleetReport, Report, ReportFinding, Verdict } from '../model.js';
import { fixLines } from './fix.js';

export interface MarkdownOptions {
  /** The command that produced the report, for the heading (`auth` by default; `lint` for lint reports). */
  command?: string;
  /** Heading level of the report's title (2 by default: `##`), so the report nests in a ticket or a step summary. */
  headingLevel?: number;
}

const VERDICT_BADGE: Record<Verdict, string> = { pass: '✅ PASS', warn: '⚠️ WARN', incomplete: '❔ INCOMPLETE', fail: '❌ FAIL' };
const STATUS_BADGE: Record<CheckStatus, string> = { pass: '✅ pass', warn: '⚠️ warn', fail: '❌ fail', skip: '⏭️ skip', error: '❗ error' };
const SEVERITY_BADGE: Record<Severity, string> = { error: '❌ error', warning: '⚠️ warning', info: 'ℹ️ info' };

/**
 * A report to paste into an incident channel or a ticket (GitHub-flavoured Markdown): verdict and
 * summary first, then the root causes and the symptoms they explain, who and what was diagnosed,
 * a table of checks, every error/warning finding with its fix in a ```sh block and its docs, and
 * the healthy facts as a short list.
 */
export function renderMarkdown(report: Report | FleetReport, options: MarkdownOptions = {}): string {
  if ('reports' in report) {
    const level = options.headingLevel ?? 2;
    const head = `${'#'.repeat(level)} eksdoctor: ${VERDICT_BADGE[report.verdict]} (${report.reports.length} context${report.reports.length === 1 ? '' : 's'})\n`;
    // A summary table first: the on-call reader sees every context's verdict before the details.
    const table = ['| context | cluster | verdict | summary |', '| --- | --- | --- | --- |', ...report.reports.map((r) => `| ${cell(r.target.context ?? '')} | ${cell(r.target.cluster ?? '')} | ${VERDICT_BADGE[r.verdict]} | ${cell(r.summary)} |`)].join('\n');
    return [head, table, '', ...report.reports.map((r) => renderOne(r, { ...options, headingLevel: level + 1 }))].join('\n');
  }
  return renderOne(report, options);
}

function renderOne(report: Report, options: MarkdownOptions): string {
  const level = Math.min(Math.max(options.headingLevel ?? 2, 1), 4);
  const h = (n: number) => '#'.repeat(level + n);
  const command = options.command ?? 'auth';
  const out: string[] = [];
  const where = report.target.context ? ` ${code(report.target.context)}` : '';
  out.push(`${h(0)} eksdoctor ${command}${where}: ${VERDICT_BADGE[report.verdict]}`, '');
  out.push(`**${inline(report.summary)}**`, '');

  const causes = report.findings.filter((f) => f.rootCause);
  if (causes.length > 0) {
    out.push(`${h(1)} Root cause${causes.length > 1 ? 's' : ''}`, '');
    for (const f of causes) {
      out.push(`- **${inline(f.title)}** (${code(f.rule)})`);
      const symptoms = f.explains ?? [];
      if (symptoms.length > 0) out.push(`  - explains the symptom${symptoms.length > 1 ? 's' : ''} ${symptoms.map(code).join(', ')}: fix the cause and ${symptoms.length > 1 ? 'they go' : 'it goes'} away`);
    }
    out.push('');
  }

  out.push(`${h(1)} Target`, '', '| | |', '| --- | --- |');
  const t = report.target;
  const rows: [string, string | undefined][] = [
    ['Identity', report.identity ? identityCell(report) : command === 'auth' ? 'not established' : undefined],
    ['Context', t.context],
    ['Cluster', t.cluster],
    ['Region', t.region],
    ['Account', t.accountId],
    ['Server', t.server],
    ['AWS profile', t.profile],
    ['Kubeconfig', t.kubeconfig.length > 0 ? t.kubeconfig.join(', ') : undefined],
    ['Evidence from', (report.sources ?? []).length > 0 ? report.sources.map((s) => `${s.name} ${s.status}${s.reason && s.status !== 'read' ? ` (${s.reason})` : ''}`).join(', ') : undefined],
  ];
  for (const [name, value] of rows) {
    if (value === undefined || value === '') continue;
    out.push(`| ${name} | ${name === 'Identity' ? cell(value) : name === 'Evidence from' ? cell(inline(value)) : cell(code(value))} |`);
  }
  out.push('');

  out.push(`${h(1)} Checks`, '', '| Check | Status | Duration | Reason |', '| --- | --- | --- | --- |');
  for (const c of report.checks) out.push(`| ${cell(inline(c.title))} | ${STATUS_BADGE[c.status]} | ${c.durationMs} ms | ${cell(inline(c.reason ?? ''))} |`);
  out.push('');

  const problems = report.findings.filter((f) => f.severity !== 'info');
  if (problems.length > 0) {
    out.push(`${h(1)} Findings`, '');
    for (const f of problems) out.push(...renderFinding(f, h(2)));
  }

  const facts = report.findings.filter((f) => f.severity === 'info');
  if (facts.length > 0) {
    out.push(`${h(1)} Facts`, '');
    for (const f of facts) out.push(`- ${inline(f.title)} (${code(f.rule)})`);
    out.push('');
  }

  out.push(`<sub>eksdoctor ${inline(report.tool.version)} · started ${inline(report.startedAt)} · ${report.durationMs} ms</sub>`, '');
  return out.join('\n');
}

function renderFinding(f: ReportFinding, heading: string): string[] {
  const lines: string[] = [];
  lines.push(`${heading} ${SEVERITY_BADGE[f.severity]}: ${inline(f.title)}`, '');
  lines.push(`${f.rootCause ? '**Root cause** · ' : ''}rule ${code(f.rule)} · check ${code(f.check)}`, '');
  if (f.detail) lines.push(paragraph(f.detail), '');
  if (f.explains?.length) lines.push(`Explains: ${f.explains.map(code).join(', ')}`, '');
  if (f.fix) {
    lines.push(`**Fix:** ${inline(f.fix.summary)}`, '');
    // Paste-ready commands in one fence; what is not a command (the lines to add, placeholders, the alternative) is said outside it.
    let block: { lang: 'sh' | 'yaml'; lines: string[] } | undefined;
    const flush = () => {
      if (block) lines.push(...fence(block.lines.join('\n'), block.lang), '');
      block = undefined;
    };
    for (const l of fixLines(f.fix)) {
      if (l.kind === 'note') {
        flush();
        lines.push(paragraph(l.text), '');
        continue;
      }
      const lang = l.kind === 'command' ? 'sh' : 'yaml';
      if (block?.lang !== lang) flush();
      (block ??= { lang, lines: [] }).lines.push(l.text);
    }
    flush();
  }
  if (f.docs.length > 0) lines.push(`Docs: ${f.docs.map((u) => `<${u.replace(/[<>\s]/g, encodeURIComponent)}>`).join(' · ')}`, '');
  return lines;
}

function identityCell(report: Report): string {
  const id = report.identity!;
  const principal = id.principalArn !== id.arn ? ` → ${code(id.principalArn)}` : '';
  return `${code(id.arn)}${principal} (${inline(id.source)})`;
}

/**
 * Escapes text so that Markdown shows it literally (no emphasis, links, HTML, code spans, and no block
 * syntax at the start of a line), escaping only what CommonMark would interpret, so a pasted raw report stays readable.
 */
export function inline(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*[\]<~]/g, (ch) => `\\${ch}`)
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
    // CommonMark block starts: ATX heading, block quote, bullet or ordered list marker, setext underline.
    .replace(/^(\s*)(#{1,6}(?=\s|$)|>|[-+](?=\s|$)|=+\s*$|\d{1,9}(?=[.)](?:\s|$)))/, (_m, sp: string, mark: string) =>
      /^\d/.test(mark) ? `${sp}${mark}\\` : `${sp}\\${mark}`,
    );
}

/** A text with line breaks kept as hard breaks. */
function paragraph(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => inline(l))
    .join('  \n');
}

/** A code span that survives any backticks inside it (CommonMark: the fence is one backtick longer than any run inside). */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A fenced code block longer than any backtick run in its content (CommonMark fenced code blocks). */
function fence(content: string, lang: string): string[] {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((r) => r.length));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return [`${ticks}${lang}`, content, ticks];
}

/** A table cell: GFM tables split on every `|`, even inside code spans, unless escaped as `\|` (GFM spec, tables extension), and end at a newline. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}
