/**
 * What the run probe (probe.ts) reports about one process: its peak RSS and every child process it
 * spawned, with when it started and ended. Shared by the probe, which writes it as one line on stderr at
 * exit, and the bench, which reads it back.
 */
export const PROBE_MARKER = 'EKSDOCTOR_BENCH_PROBE=';

export interface ProbedChild {
  /** With EKSDOCTOR_BENCH_TAG=1: the title of the check that spawned it (see probe.ts). */
  owner?: string;
  command: string;
  args: string[];
  /** Variables the child got that differ from the parent's own environment (exec `env`, KUBERNETES_EXEC_INFO). */
  envDiff: Record<string, string>;
  /** Epoch milliseconds (sub-millisecond precision): spawn called, and the child's exit. */
  start: number;
  end: number;
  code: number | null;
}

/** An HTTP request the process sent (EKSDOCTOR_BENCH_TAG=1 only), with the check that sent it. */
export interface ProbedRequest {
  owner?: string;
  method: string;
  /** Path without the query, as the emulator's journal has it. */
  path: string;
  start: number;
}

export interface ProbeRecord {
  /** process.resourceUsage().maxRSS, KiB. */
  maxRssKb: number;
  children: ProbedChild[];
  requests: ProbedRequest[];
}

/** The probe's record in a run's stderr, and that stderr without it. */
export function readProbe(stderr: string): { record?: ProbeRecord; stderr: string } {
  const at = stderr.lastIndexOf(`\n${PROBE_MARKER}`);
  if (at < 0) return { stderr };
  const line = stderr.slice(at + 1 + PROBE_MARKER.length).split('\n')[0]!;
  return { record: JSON.parse(line) as ProbeRecord, stderr: stderr.slice(0, at) };
}
