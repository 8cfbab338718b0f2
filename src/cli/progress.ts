/**
 * Progress on stderr, never stdout: with --verbose every check's start, notes and end with its
 * duration; else a spinner naming the slowest check still running, but only for a person (a TTY,
 * text output, not CI), so pipelines and JSON consumers see nothing but the report.
 */
import type { CheckStatus } from '../checks/types.js';
import type { ProgressEvent, ProgressListener } from '../engine/progress.js';
import { inertText } from '../report/render/inert.js';
import { redactText } from '../shared/redact.js';

export interface ProgressDisplay {
  listener?: ProgressListener;
  stop(): void;
}

const MARK: Record<CheckStatus, string> = { pass: '✔', warn: '!', fail: '✖', skip: '–', error: '✖' };

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Words from a server, a plugin or a kubeconfig (context names): redacted and made inert, as the report is. */
const safe = (text: string) => inertText(redactText(text));

/** One --verbose line per event; checks' own words may quote a server or plugin, so redacted like the report. */
export function verboseLine(e: ProgressEvent): string {
  const where = e.context !== undefined ? `[${safe(e.context)}] ` : '';
  switch (e.type) {
    case 'start':
      return `… ${where}${e.title}`;
    case 'note':
      return `  ${where}${e.title}: ${safe(e.message)}`;
    case 'end':
      return `${MARK[e.status]} ${where}${e.title}: ${e.status}${e.reason !== undefined ? ` (${safe(e.reason)})` : ''}, ${formatDuration(e.durationMs)}`;
  }
}

/** What is still running, so a spinner can name the check that has kept the run waiting longest. */
export class RunningChecks {
  private readonly running = new Map<string, { title: string; since: number }>();

  apply(e: ProgressEvent, now = Date.now()): void {
    const key = `${e.context ?? ''}\0${e.check}`;
    if (e.type === 'start') this.running.set(key, { title: e.context !== undefined ? `${e.context}: ${e.title}` : e.title, since: now });
    else if (e.type === 'end') this.running.delete(key);
  }

  /** e.g. `Authenticator logs (4.2 s), 2 more running`; undefined when nothing runs. */
  describe(now = Date.now()): string | undefined {
    let slowest: { title: string; since: number } | undefined;
    for (const r of this.running.values()) if (!slowest || r.since < slowest.since) slowest = r;
    if (!slowest) return undefined;
    const others = this.running.size - 1;
    return `${slowest.title} (${formatDuration(now - slowest.since)})${others > 0 ? `, ${others} more running` : ''}`;
  }
}

export async function progressDisplay(verbose: boolean, format: string, env: NodeJS.ProcessEnv): Promise<ProgressDisplay> {
  if (verbose) return { listener: (e) => process.stderr.write(`${verboseLine(e)}\n`), stop: () => {} };
  // A pseudo-terminal without a width (some CI runners) makes a spinner redraw forever: no spinner there.
  if (!process.stderr.isTTY || !(process.stderr.columns > 0) || format !== 'text' || env.CI) return { stop: () => {} };
  const { default: ora } = await import('ora');
  const spinner = ora({ text: 'Diagnosing…', stream: process.stderr, discardStdin: false }).start();
  const running = new RunningChecks();
  const refresh = () => {
    const text = running.describe();
    if (text !== undefined) spinner.text = safe(`Waiting for ${text}`);
  };
  // The elapsed time of the slowest check keeps counting between events.
  const ticker = setInterval(refresh, 250);
  ticker.unref();
  return {
    listener: (e) => {
      running.apply(e);
      refresh();
    },
    stop: () => {
      clearInterval(ticker);
      spinner.stop();
    },
  };
}
