import { appendFileSync, statSync } from 'node:fs';
import type { FleetReport, Report } from '../report/model.js';
import { UsageError } from './errors.js';

export const OUTPUT_FORMATS = ['text', 'json', 'markdown', 'junit', 'github'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function parseOutput(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')} (got "${value}")`);
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

/**
 * Writes the rendered report: stdout gets exactly the report; the step summary is appended, never
 * overwritten (other steps' summaries share the file). A summary that cannot be written is reported on
 * stderr and does not change the exit code: the annotations and the exit code already carry the result.
 */
export function writeOutput(out: RenderedOutput, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): void {
  stdout.write(out.stdout);
  if (!out.stepSummary) return;
  try {
    // A FIFO or device would block the append (and the exit) forever: only a regular file, or a new one.
    const info = statSync(out.stepSummary.path, { throwIfNoEntry: false });
    if (info && !info.isFile()) throw new Error('it is not a regular file');
    appendFileSync(out.stepSummary.path, `${out.stepSummary.markdown}\n`);
  } catch (err) {
    stderr.write(`eksdoctor: could not append the report to $GITHUB_STEP_SUMMARY (${out.stepSummary.path}): ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
