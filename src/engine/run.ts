import type { Facts } from '../checks/facts.js';
import type { Check, CheckContext, CheckOutcome, CheckStatus, RunOptions } from '../checks/types.js';
import type { Finding, RuleId } from '../rules/index.js';
import type { Severity, Target } from '../rules/rule.js';
import type { ProgressListener } from './progress.js';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  durationMs: number;
  reason?: string;
  /**
   * The check could not run (status `error`), or was skipped because a check it depends on could not:
   * its part of the path is unknown, not healthy (SPEC §4 verdict `incomplete`).
   */
  couldNotRun?: boolean;
}

export type EmittedFinding = Finding & { check: string };

export interface EngineResult {
  checks: CheckResult[];
  findings: EmittedFinding[];
  facts: Facts;
  target: Target;
  /** Checks that threw or broke their contract: a bug, so the run exits 3. */
  internalErrors: string[];
}

export interface EngineInput {
  checks: readonly Check[];
  options: RunOptions;
  target: Target;
  severityOf(rule: string): Severity | undefined;
  onProgress?: ProgressListener;
}

const DEFAULT_CHECK_TIMEOUT_MS = 30_000;
/** Kept back from every call's bound (CheckContext.remainingMs) so the check can still report. */
export const REPORT_MARGIN_MS = 500;

class CheckTimeout extends Error {}

/**
 * Runs checks as a dependency graph: every check starts as soon as all it depends on has finished,
 * so independent checks run concurrently; results are listed in declared order (Flutter doctor).
 */
export async function runChecks(input: EngineInput): Promise<EngineResult> {
  const { checks, options, target } = input;
  const facts: Facts = {};
  const deadline = Math.min(Date.now() + options.timeoutMs, options.deadline ?? Infinity);
  const results = new Map<string, CheckResult>();
  /** Why a check stopped its dependents, and whether that was because something could not run. */
  const halted = new Map<string, { reason: string; couldNotRun: boolean }>();
  const findings = new Map<string, EmittedFinding[]>();
  const internalErrors: string[] = [];
  const byId = new Map(checks.map((c) => [c.id, c]));
  const shared = options.shared ?? new Map<string, Promise<unknown>>();
  const once = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    let p = shared.get(key) as Promise<T> | undefined;
    if (!p) shared.set(key, (p = work()));
    return p;
  };
  for (const c of checks) for (const d of c.dependsOn) if (!byId.has(d)) throw new Error(`check ${c.id} depends on unknown check ${d}`);

  const started = new Map<string, Promise<void>>();
  const start = (check: Check): Promise<void> => {
    let p = started.get(check.id);
    if (!p) {
      // `after` only orders: a check that is not part of this run (e.g. offline) is simply not waited for.
      const waits = [...check.dependsOn, ...(check.after ?? []).filter((d) => byId.has(d))];
      p = Promise.all(waits.map((d) => start(byId.get(d)!))).then(() => runOne(check));
      started.set(check.id, p);
    }
    return p;
  };

  const finish = (check: Check, t0: number, status: CheckStatus, reason: string | undefined, couldNotRun = status === 'error') => {
    const durationMs = Date.now() - t0;
    results.set(check.id, { id: check.id, title: check.title, status, durationMs, ...(reason !== undefined && { reason }), ...(couldNotRun && { couldNotRun }) });
    input.onProgress?.({ type: 'end', check: check.id, title: check.title, status, durationMs, ...(reason !== undefined && { reason }) });
  };

  const runOne = async (check: Check): Promise<void> => {
    const t0 = Date.now();
    const blocked = check.dependsOn.find((d) => halted.has(d));
    if (blocked) {
      const why = halted.get(blocked)!;
      finish(check, t0, 'skip', `dependency failed: ${blocked} (${why.reason})`, why.couldNotRun);
      halted.set(check.id, { reason: 'skipped', couldNotRun: why.couldNotRun });
      return;
    }
    const budget = Math.max(0, Math.min(check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS, deadline - Date.now()));
    if (budget <= REPORT_MARGIN_MS) {
      const reason = 'no time left within --timeout';
      finish(check, t0, 'error', reason);
      halted.set(check.id, { reason, couldNotRun: true });
      return;
    }
    input.onProgress?.({ type: 'start', check: check.id, title: check.title });
    const controller = new AbortController();
    const checkDeadline = Date.now() + budget;
    const ctx: CheckContext = {
      facts,
      target,
      options,
      signal: controller.signal,
      remainingMs: () => Math.max(0, checkDeadline - Date.now() - REPORT_MARGIN_MS),
      progress: (message) => input.onProgress?.({ type: 'note', check: check.id, title: check.title, message }),
      once,
      finished: (id) => {
        // Declared up front, like emits: the graph (and the benchmark's critical path) must see every wait.
        if (!check.waitsFor?.includes(id)) return Promise.reject(new Error(`waits for undeclared check ${id}`));
        return byId.has(id) ? start(byId.get(id)!) : Promise.resolve();
      },
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new CheckTimeout());
        reject(new CheckTimeout());
      }, budget);
    });
    let outcome: CheckOutcome;
    try {
      outcome = await Promise.race([check.run(ctx), timeout]);
    } catch (err) {
      const timedOut = err instanceof CheckTimeout;
      const reason = timedOut ? `timed out after ${(budget / 1000).toFixed(1)} s` : `internal error: ${describe(err)}`;
      if (!timedOut) internalErrors.push(`${check.id}: ${describe(err)}`);
      finish(check, t0, 'error', reason);
      halted.set(check.id, { reason, couldNotRun: true });
      return;
    } finally {
      clearTimeout(timer);
    }
    const undeclared = outcome.findings.find((f) => !(check.emits as readonly RuleId[]).includes(f.rule) || input.severityOf(f.rule) === undefined);
    if (undeclared) {
      const reason = `internal error: emitted undeclared rule ${undeclared.rule}`;
      internalErrors.push(`${check.id}: ${reason}`);
      finish(check, t0, 'error', reason);
      halted.set(check.id, { reason, couldNotRun: true });
      return;
    }
    findings.set(check.id, outcome.findings.map((f) => ({ ...f, check: check.id }) as EmittedFinding));
    // A halt that no error or warning of the check explains means the check could not complete: status `error`.
    const explained = outcome.findings.some((f) => input.severityOf(f.rule) !== 'info');
    const status: CheckStatus = outcome.skip !== undefined ? 'skip' : outcome.halt !== undefined && !explained ? 'error' : statusOf(outcome.findings, input.severityOf);
    finish(check, t0, status, outcome.skip ?? outcome.halt);
    if (outcome.halt !== undefined || outcome.skip !== undefined) halted.set(check.id, { reason: (outcome.halt ?? outcome.skip)!, couldNotRun: status === 'error' });
  };

  await Promise.all(checks.map(start));
  return {
    checks: checks.map((c) => results.get(c.id)!),
    findings: checks.flatMap((c) => findings.get(c.id) ?? []),
    facts,
    target,
    internalErrors,
  };
}

export function statusOf(findings: readonly { rule: string }[], severityOf: EngineInput['severityOf']): CheckStatus {
  const severities = new Set(findings.map((f) => severityOf(f.rule)));
  return severities.has('error') ? 'fail' : severities.has('warning') ? 'warn' : 'pass';
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
