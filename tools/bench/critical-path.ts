/**
 * The critical path of a check graph: the longest weighted chain through `dependsOn` + `after`
 * edges (the engine starts a check when both kinds of predecessors have finished, so both are
 * edges of the schedule). With a fixed latency L per call and unlimited concurrency, no run can
 * be shorter than this path's weight — the lower bound of SPEC §6's "≤ 1.3× its critical path".
 */

export interface GraphNode {
  id: string;
  /** Checks that must finish first (dependsOn and after alike). */
  predecessors: readonly string[];
  weight: number;
}

export interface CriticalPath {
  weight: number;
  /** Check IDs from the first to the last of the heaviest chain. */
  path: string[];
}

export function criticalPath(nodes: readonly GraphNode[]): CriticalPath {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const best = new Map<string, CriticalPath>();
  const visiting = new Set<string>();
  const finish = (id: string): CriticalPath => {
    const known = best.get(id);
    if (known) return known;
    const node = byId.get(id);
    if (!node) throw new Error(`unknown check ${id}`);
    if (visiting.has(id)) throw new Error(`cycle through check ${id}`);
    visiting.add(id);
    // Zero-weight predecessors still belong on the path (the first heaviest one wins a tie).
    let before: CriticalPath | undefined;
    for (const p of node.predecessors) {
      const candidate = finish(p);
      if (!before || candidate.weight > before.weight) before = candidate;
    }
    before ??= { weight: 0, path: [] };
    visiting.delete(id);
    const result = { weight: before.weight + node.weight, path: [...before.path, id] };
    best.set(id, result);
    return result;
  };
  let heaviest: CriticalPath = { weight: 0, path: [] };
  for (const n of nodes) {
    const c = finish(n.id);
    if (c.weight > heaviest.weight || (c.weight === heaviest.weight && c.path.length > heaviest.path.length)) heaviest = c;
  }
  return heaviest;
}

/** A call as the emulator saw it: when its handling started and when its answer finished. */
export interface TimedCall {
  label: string;
  start: number;
  end: number;
}

/**
 * The number of sequential round trips in a set of calls: the longest chain of calls each of which
 * started after the previous one ended (calls that overlap were in flight together and count once).
 */
export function sequentialRoundTrips(calls: readonly TimedCall[]): number {
  const sorted = [...calls].sort((a, b) => a.end - b.end);
  const depth: number[] = [];
  sorted.forEach((c, i) => {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j]!.end <= c.start) d = Math.max(d, depth[j]! + 1);
    depth.push(d);
  });
  return depth.length === 0 ? 0 : Math.max(...depth);
}

export interface CheckWindow {
  id: string;
  start: number;
  end: number;
}

/**
 * Reconstructs each check's time window from the report: the engine starts a check the moment its
 * last predecessor finishes (src/engine/run.ts), so start = max(end of predecessors) (the run's start
 * for a root), end = start + its reported durationMs.
 */
export function checkWindows(
  checks: readonly { id: string; durationMs: number }[],
  predecessors: ReadonlyMap<string, readonly string[]>,
  runStart: number,
): CheckWindow[] {
  const duration = new Map(checks.map((c) => [c.id, c.durationMs]));
  const windows = new Map<string, CheckWindow>();
  const windowOf = (id: string): CheckWindow => {
    const known = windows.get(id);
    if (known) return known;
    const start = Math.max(runStart, ...(predecessors.get(id) ?? []).filter((p) => duration.has(p)).map((p) => windowOf(p).end));
    const w = { id, start, end: start + (duration.get(id) ?? 0) };
    windows.set(id, w);
    return w;
  };
  return checks.map((c) => windowOf(c.id));
}

/**
 * Attributes each call to the check whose window contains it, the narrowest one when windows
 * overlap (a short check nested in a long concurrent one owns the calls made while it ran).
 * `slackMs` absorbs millisecond clock rounding at the window edges. Calls no window contains
 * are returned under the key ''.
 */
export function attributeCalls(windows: readonly CheckWindow[], calls: readonly TimedCall[], slackMs = 2): Map<string, TimedCall[]> {
  const out = new Map<string, TimedCall[]>();
  for (const call of calls) {
    const owners = windows.filter((w) => call.start >= w.start - slackMs && call.end <= w.end + slackMs);
    owners.sort((a, b) => a.end - a.start - (b.end - b.start));
    const key = owners[0]?.id ?? '';
    out.set(key, [...(out.get(key) ?? []), call]);
  }
  return out;
}
