import { closeSync, constants, fstatSync, ftruncateSync, openSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { FleetReport, Report } from '../report/model.js';

export const OUTPUT_FORMATS = ['text', 'json', 'markdown', 'junit', 'github'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** One `--output`: a format, and the file it goes to (none: stdout). */
export interface OutputTarget {
  format: OutputFormat;
  path?: string;
}

/**
 * commander's parser for a repeatable `--output FORMAT[=FILE]`: `--output github --output json=report.json`
 * gates, annotates and archives in one diagnosis. At most one format goes to stdout (`FORMAT`, or
 * `FORMAT=-`); the same file twice is refused too. Errors become commander's usage errors (exit 2).
 */
export function collectOutput(value: string, previous: OutputTarget[] | undefined): OutputTarget[] {
  const eq = value.indexOf('=');
  const name = eq < 0 ? value : value.slice(0, eq);
  const file = eq < 0 ? undefined : value.slice(eq + 1);
  if (!(OUTPUT_FORMATS as readonly string[]).includes(name)) throw new InvalidArgumentError(`Allowed choices are ${OUTPUT_FORMATS.join(', ')}, each optionally with =FILE (e.g. json=report.json).`);
  if (file === '') throw new InvalidArgumentError(`"${name}=" names no file; give ${name}=FILE, or ${name} alone for stdout.`);
  const target: OutputTarget = { format: name as OutputFormat, ...(file !== undefined && file !== '-' ? { path: file } : {}) };
  const all = previous ?? [];
  if (target.path === undefined) {
    const other = all.find((t) => t.path === undefined);
    if (other) throw new InvalidArgumentError(`stdout already gets --output ${other.format}; only one format can go to stdout: send the other to a file, e.g. --output ${target.format}=eksdoctor.${FILE_EXTENSION[target.format]}.`);
  } else if (all.some((t) => t.path !== undefined && resolve(t.path) === resolve(target.path!))) {
    throw new InvalidArgumentError(`${target.path} is already the file of another --output.`);
  }
  return [...all, target];
}

const FILE_EXTENSION: Record<OutputFormat, string> = { text: 'txt', json: 'json', markdown: 'md', junit: 'xml', github: 'txt' };

/** The format stdout gets: the one given without a file, else the default `text` (a person reads the log). */
export function stdoutFormat(targets: OutputTarget[] | undefined): OutputFormat {
  return targets?.find((t) => t.path === undefined)?.format ?? 'text';
}

/** Every destination of a run, stdout first (a report is never lost because a file could not be written). */
export function outputTargets(targets: OutputTarget[] | undefined): OutputTarget[] {
  const files = (targets ?? []).filter((t) => t.path !== undefined);
  return [{ format: stdoutFormat(targets) }, ...files];
}

/** Colour only for a person: not with --no-color or NO_COLOR, forced by FORCE_COLOR, else only on a TTY. */
export function useColor(noColorFlag: boolean, env: NodeJS.ProcessEnv, isTty: boolean): boolean {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTty;
}

export interface RenderContext {
  /** Colour in the text format only. */
  color: boolean;
  /** The command that produced the report, for headings and suite names (`auth` or `lint`). */
  command?: 'auth' | 'lint';
  /** `--fail-on`: JUnit marks as failures exactly the findings that make the exit code 1. */
  failOn?: 'error' | 'warning';
  /** The environment, for `$GITHUB_WORKSPACE` (annotation paths) and `$GITHUB_STEP_SUMMARY`. */
  env?: NodeJS.ProcessEnv;
  /** Terminal columns for the text format (process.stdout.columns when a TTY). */
  width?: number;
}

/** What a run prints: stdout is exactly the report; `stepSummary` is Markdown to append to `$GITHUB_STEP_SUMMARY`. */
export interface RenderedOutput {
  stdout: string;
  stepSummary?: { path: string; markdown: string };
}

/** Renders the report in a format; renderers are imported lazily and stay pure (no I/O). */
export async function renderOutput(data: Report | FleetReport, format: OutputFormat, ctx: RenderContext): Promise<RenderedOutput> {
  const command = ctx.command ?? 'auth';
  // Formats people read show outside text escaped; JSON escapes by itself, JUnit's XML drops what it cannot hold.
  const report = format === 'json' || format === 'junit' ? data : (await import('../report/render/inert.js')).inert(data);
  switch (format) {
    case 'json':
      return { stdout: (await import('../report/render/json.js')).renderJson(report) };
    case 'text': {
      const text = await import('../report/render/text.js');
      return { stdout: 'reports' in report ? text.renderFleetText(report, { color: ctx.color, width: ctx.width }) : text.renderText(report, { color: ctx.color, width: ctx.width }) };
    }
    case 'markdown':
      return { stdout: (await import('../report/render/markdown.js')).renderMarkdown(report, { command }) };
    case 'junit':
      return { stdout: (await import('../report/render/junit.js')).renderJunit(report, { command, failOn: ctx.failOn }) };
    case 'github': {
      const stdout = (await import('../report/render/github.js')).renderGithub(report, { workspace: ctx.env?.GITHUB_WORKSPACE || undefined });
      const path = ctx.env?.GITHUB_STEP_SUMMARY;
      if (!path) return { stdout };
      // docs.github.com "Adding a job summary": the step summary is GitHub-flavoured Markdown appended to $GITHUB_STEP_SUMMARY.
      return { stdout, stepSummary: { path, markdown: (await import('../report/render/markdown.js')).renderMarkdown(report, { command }) } };
    }
  }
}

function appendStepSummary(summary: { path: string; markdown: string }, stderr: NodeJS.WritableStream): void {
  try {
    writeRegularFile(summary.path, `${summary.markdown}\n`, 'append');
  } catch (err) {
    stderr.write(`eksdoctor: could not append the report to $GITHUB_STEP_SUMMARY (${summary.path}): ${fileError(err)}\n`);
  }
}

/**
 * Renders the report once per `--output` and writes each: stdout first, then the files, then (once,
 * whichever destination `github` went to) the step summary. Returns false when a file could not be
 * written (said on stderr); stdout has the report regardless.
 */
export async function emitReport(
  data: Report | FleetReport,
  targets: OutputTarget[] | undefined,
  ctx: RenderContext,
  streams: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = { stdout: process.stdout, stderr: process.stderr },
): Promise<boolean> {
  let ok = true;
  let stepSummary: RenderedOutput['stepSummary'];
  for (const target of outputTargets(targets)) {
    // Colour is for a terminal: a file never gets escape codes.
    const out = await renderOutput(data, target.format, target.path === undefined ? ctx : { ...ctx, color: false });
    stepSummary ??= out.stepSummary;
    if (target.path === undefined) {
      streams.stdout.write(out.stdout);
      continue;
    }
    try {
      writeRegularFile(target.path, out.stdout, 'replace');
    } catch (err) {
      ok = false;
      streams.stderr.write(`eksdoctor: could not write the ${target.format} report to ${target.path}: ${fileError(err)}\n`);
    }
  }
  if (stepSummary) appendStepSummary(stepSummary, streams.stderr);
  return ok;
}

/**
 * Writes (or appends to) a regular file, or a new one, and nothing else: a FIFO or device would block
 * the write (and the exit) forever or send the report somewhere unexpected. Checked before opening, and
 * again on the opened file (O_NONBLOCK: opening a FIFO cannot hang), so a swap in between is caught too.
 */
function writeRegularFile(path: string, text: string, mode: 'replace' | 'append'): void {
  const before = statSync(path, { throwIfNoEntry: false });
  if (before && !before.isFile()) throw new Error(`it is not a regular file (${kindOf(before)})`);
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NONBLOCK | (mode === 'append' ? constants.O_APPEND : 0), 0o666);
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw new Error(`it is not a regular file (${kindOf(opened)})`);
    if (mode === 'replace') ftruncateSync(fd, 0);
    writeFileSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

function kindOf(s: Stats): string {
  return s.isDirectory() ? 'a directory' : s.isFIFO() ? 'a FIFO' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isSocket() ? 'a socket' : 'not a file';
}

/** Node's file errors in words, without the stack or the repeated path. */
function fileError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const words: Record<string, string> = {
    ENOENT: 'its directory does not exist',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a directory',
    ENOTDIR: 'a parent of it is not a directory',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    ENXIO: 'it is a FIFO with no reader',
  };
  if (code && words[code]) return `${words[code]} (${code})`;
  return err instanceof Error ? err.message : String(err);
}
