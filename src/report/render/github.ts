import { isAbsolute, relative, sep } from 'node:path';
import type { FleetReport, Report, ReportFinding } from '../model.js';
import { plainFixLines } from './fix.js';

export interface GithubOptions {
  /** `$GITHUB_WORKSPACE`: a finding's file under it is annotated by its repository-relative path. */
  workspace?: string;
}

const COMMAND = { error: 'error', warning: 'warning' } as const;

/**
 * GitHub Actions workflow commands, one per line: `::error` for every error finding, `::warning` for
 * every warning and for a check that could not run, then one `::notice` with the verdict and summary.
 * Syntax: docs.github.com "Workflow commands for GitHub Actions" (`::error file=…,line=…,title=…::message`).
 * Facts (info findings) are not annotated: they are in the step summary (the Markdown report).
 */
export function renderGithub(report: Report | FleetReport, options: GithubOptions = {}): string {
  const reports = 'reports' in report ? report.reports : [report];
  return reports.map((r) => renderOne(r, options)).join('');
}

function renderOne(report: Report, options: GithubOptions): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    if (f.severity === 'info') continue;
    lines.push(workflowCommand(COMMAND[f.severity], { ...location(f, options.workspace), title: f.rule }, message(f)));
  }
  for (const c of report.checks) {
    if (c.status === 'error') lines.push(workflowCommand('warning', { title: `eksdoctor check ${c.id}` }, `The check "${c.title}" could not run: ${c.reason ?? 'unknown reason'}`));
  }
  const where = [report.target.context && `context ${report.target.context}`, report.target.region].filter(Boolean).join(', ');
  const sources = (report.sources ?? []).map((s) => `${s.name} ${s.status}`).join(', ');
  lines.push(workflowCommand('notice', { title: `eksdoctor ${report.verdict.toUpperCase()}` }, `${report.summary}${where ? ` (${where})` : ''}${sources ? `\nEvidence from: ${sources}` : ''}`));
  return `${lines.join('\n')}\n`;
}

/** `<title> — <fix summary>`, then the commands to run and the first doc, on their own lines of the annotation. */
function message(f: ReportFinding): string {
  const head = `${f.rootCause ? 'Root cause: ' : ''}${f.title}${f.fix ? ` — ${f.fix.summary}` : ''}`;
  const lines = [head];
  if (f.explains?.length) lines.push(`Explains: ${f.explains.join(', ')}`);
  if (f.fix) lines.push(...plainFixLines(f.fix));
  if (f.docs[0]) lines.push(`Docs: ${f.docs[0]}`);
  return lines.join('\n');
}

function location(f: ReportFinding, workspace: string | undefined): { file?: string; line?: string } {
  const file = f.evidence.file;
  if (typeof file !== 'string' || file === '' || file === '-') return {};
  const line = f.evidence.line;
  return { file: repositoryPath(file, workspace), ...(typeof line === 'number' && Number.isInteger(line) && line > 0 && { line: String(line) }) };
}

/** Annotations attach to files by their path in the repository; a file outside the workspace keeps its own path. */
function repositoryPath(file: string, workspace: string | undefined): string {
  if (!workspace || !isAbsolute(file)) return file;
  const rel = relative(workspace, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}

/** `::name key=value,key=value::message`, escaped as @actions/core does (packages/core/src/command.ts). */
export function workflowCommand(name: string, properties: Record<string, string | undefined>, text: string): string {
  const props = Object.entries(properties)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(text)}`;
}

/** Message escaping: `%` → `%25`, CR → `%0D`, LF → `%0A` (@actions/core escapeData). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property escaping: as data, plus `:` → `%3A` and `,` → `%2C` (@actions/core escapeProperty). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
