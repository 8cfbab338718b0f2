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
 * overlap (a short check nested in a long concurrent one owns the calls made while it ran). With
 * `candidatesOf`, a call goes to one of the checks known to make that kind of call when one of
 * their windows contains it: overlapping windows alone cannot tell two concurrent checks apart.
 * `slackMs` absorbs millisecond clock rounding at the window edges. Calls no window contains
 * are returned under the key ''.
 */
export function attributeCalls<T extends TimedCall>(windows: readonly CheckWindow[], calls: readonly T[], slackMs = 2, candidatesOf?: (call: T) => ReadonlySet<string> | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const call of calls) {
    const inWindow = windows.filter((w) => call.start >= w.start - slackMs && call.end <= w.end + slackMs);
    // Known makers of this kind of call (learned from a tagged run) first, the time windows deciding among
    // them; for those only the start must fall in the window: the emulator stamps a call's end from its own
    // event loop, which can run behind the client that already has the answer.
    const known = candidatesOf?.(call);
    const preferred = known ? windows.filter((w) => known.has(w.id) && call.start >= w.start - slackMs && call.start <= w.end + slackMs) : [];
    const owners = preferred.length > 0 ? preferred : inWindow;
    owners.sort((a, b) => a.end - a.start - (b.end - b.start));
    const key = owners[0]?.id ?? '';
    out.set(key, [...(out.get(key) ?? []), call]);
  }
  return out;
}

/**
 * Something a check waited for, with what it costs at the floor: an emulator call (the injected latency,
 * or 0 for a call answered before any latency, e.g. refused for its signature) or a child process the
 * check waited on (the exec plugin, `aws --version`: its time when run alone in the same bench run).
 */
export interface FloorItem extends TimedCall {
  weight: number;
}

export interface FloorCheck {
  id: string;
  /** dependsOn + after: the engine starts the check when these have finished. */
  predecessors: readonly string[];
  /** Checks it may wait for mid-run (CheckContext.finished). */
  waitsFor: readonly string[];
  window: CheckWindow;
  /** Its calls and children (see attributeCalls). */
  items: readonly FloorItem[];
}

export interface FloorStep {
  check: string;
  label: string;
  weight: number;
  /** When it ran in the measured run (epoch ms). */
  start: number;
  end: number;
}

export interface Floor {
  /** Milliseconds from the start of the checks to the end of the heaviest chain. */
  weight: number;
  /** That chain's checks, first to last (checks with nothing to wait for included). */
  checks: string[];
  /** That chain's calls and children, first to last: their weights add up to `weight`. */
  steps: FloorStep[];
}

type Link = { kind: 'check'; id: string } | { kind: 'item'; check: string; index: number } | undefined;

/**
 * The floor of a run: the same work with nothing but waiting — every call takes exactly its weight, every
 * child process its time alone, and no CPU time anywhere else. Which step depends on which is taken from
 * the run itself, not assumed:
 * - between checks, from the check graph (a check starts when its dependsOn + after have finished);
 * - inside a check, from what it did: a call or child that started after another of the check's ended
 *   waited for it (the same rule as sequentialRoundTrips), and one that started after a check in its
 *   waitsFor had finished waited for that check (CheckContext.finished);
 * - a check ends with its last item, and no earlier than the waitsFor checks that had finished by then.
 * The earliest finish of every item and check is then computed over that graph (critical-path method);
 * the heaviest chain is returned with its steps, so its weights add up to the floor.
 */
export function floorSchedule(checks: readonly FloorCheck[], slackMs = 2): Floor {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const finishOf = new Map<string, { at: number; from: Link }>();
  const itemFinish = new Map<string, { at: number; from: Link }[]>();
  const visiting = new Set<string>();
  const later = (a: { at: number; from: Link }, at: number, from: Link) => (at > a.at ? { at, from } : a);

  const finish = (id: string): { at: number; from: Link } => {
    const known = finishOf.get(id);
    if (known) return known;
    const c = byId.get(id);
    if (!c) throw new Error(`unknown check ${id}`);
    if (visiting.has(id)) throw new Error(`cycle through check ${id}`);
    visiting.add(id);
    let ready: { at: number; from: Link } = { at: 0, from: undefined };
    for (const p of c.predecessors) if (byId.has(p)) ready = later(ready, finish(p).at, { kind: 'check', id: p });
    const waited = (w: string, by: number) => byId.has(w) && w !== id && byId.get(w)!.window.end <= by + slackMs;
    const items = c.items.map((item, index) => ({ item, index })).sort((a, b) => a.item.start - b.item.start);
    const done: { at: number; from: Link }[] = [];
    for (const { item, index } of items) {
      let start = ready;
      for (const { item: other, index: j } of items) if (done[j] && other.end <= item.start) start = later(start, done[j]!.at, { kind: 'item', check: id, index: j });
      for (const w of c.waitsFor) if (waited(w, item.start)) start = later(start, finish(w).at, { kind: 'check', id: w });
      done[index] = { at: start.at + item.weight, from: start.from };
    }
    let end = ready;
    done.forEach((d, index) => (end = later(end, d.at, { kind: 'item', check: id, index })));
    for (const w of c.waitsFor) if (waited(w, c.window.end)) end = later(end, finish(w).at, { kind: 'check', id: w });
    visiting.delete(id);
    itemFinish.set(id, done);
    const result = { at: end.at, from: end.from };
    finishOf.set(id, result);
    return result;
  };

  let last: { id: string; at: number } = { id: '', at: -1 };
  for (const c of checks) {
    const f = finish(c.id);
    if (f.at > last.at) last = { id: c.id, at: f.at };
  }
  if (!last.id) return { weight: 0, checks: [], steps: [] };
  // Walk the chain back from the check that finishes last.
  const steps: FloorStep[] = [];
  const onPath: string[] = [last.id];
  let link: Link = finishOf.get(last.id)!.from;
  while (link) {
    if (link.kind === 'check') {
      if (onPath[0] !== link.id) onPath.unshift(link.id);
      link = finishOf.get(link.id)!.from;
    } else {
      const item = byId.get(link.check)!.items[link.index]!;
      if (onPath[0] !== link.check) onPath.unshift(link.check);
      steps.unshift({ check: link.check, label: item.label, weight: item.weight, start: item.start, end: item.end });
      link = itemFinish.get(link.check)![link.index]!.from;
    }
  }
  // A root check without items still opens the chain (kubeconfig before everything that reads it).
  let first = byId.get(onPath[0]!);
  while (first && first.predecessors.some((p) => byId.has(p))) {
    const p = first.predecessors.find((x) => byId.has(x) && finishOf.get(x)!.at === 0)!;
    if (!p) break;
    onPath.unshift(p);
    first = byId.get(p);
  }
  return { weight: last.at, checks: onPath, steps };
}

export interface StepExcess {
  /** `start` (process start until the checks begin), a step of the floor's chain, or `end` (after its last step until exit). */
  label: string;
  weight: number;
  /** Actual milliseconds from the previous segment's end to this one's end. */
  actualMs: number;
  /** Of those, how long after the previous segment's end the step began (0 for start/end). */
  delayMs: number;
  excessMs: number;
  /** Epoch ms at which the segment ended (it began actualMs before). */
  end: number;
}

/**
 * The measured run laid along the floor's chain: segment i lasts from the end of segment i-1 to the end
 * of its own step, so the segments add up to the wall time exactly, and their excesses (actual −
 * weight) add up to wall − floor. The largest excess is the step that costs the difference; its delay
 * says how much of it came before the step began (CPU the process spent first), the rest is the step
 * itself taking longer than alone.
 */
export function excessAlongFloor(floor: Floor, run: { spawn: number; checksStart: number; exit: number; nodeStartMs: number }): StepExcess[] {
  const out: StepExcess[] = [];
  const startActual = run.checksStart - run.spawn;
  out.push({ label: 'start', weight: run.nodeStartMs, actualMs: startActual, delayMs: 0, excessMs: startActual - run.nodeStartMs, end: run.checksStart });
  let previous = run.checksStart;
  for (const s of floor.steps) {
    const actual = s.end - previous;
    out.push({ label: `${s.check}: ${s.label}`, weight: s.weight, actualMs: actual, delayMs: Math.max(0, s.start - previous), excessMs: actual - s.weight, end: s.end });
    previous = s.end;
  }
  out.push({ label: 'end', weight: 0, actualMs: run.exit - previous, delayMs: 0, excessMs: run.exit - previous, end: run.exit });
  return out;
}
