import type { CheckStatus } from '../checks/types.js';

/**
 * What the engine tells a progress display while it runs: a check started, said something, ended.
 * Structured, so the CLI can show each check's end and duration (--verbose) or the slowest check
 * still running (the spinner). `context` names the kubeconfig context in an --all-contexts run.
 */
export type ProgressEvent =
  | { type: 'start'; check: string; title: string; context?: string }
  | { type: 'note'; check: string; title: string; message: string; context?: string }
  | { type: 'end'; check: string; title: string; status: CheckStatus; durationMs: number; reason?: string; context?: string };

export type ProgressListener = (event: ProgressEvent) => void;
