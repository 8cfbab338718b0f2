import type { FindingOf, RuleId, Finding } from '../rules/index.js';
import type { Target } from '../rules/rule.js';
import type { Facts } from './facts.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'error';

export interface CheckOutcome<F extends Finding = Finding> {
  findings: F[];
  /** Set when this check could not establish what its dependents need: they are skipped with this reason. */
  halt?: string;
  /** Set when the check does not apply (e.g. offline, wrong auth mode): status `skip`. */
  skip?: string;
}

export interface CheckContext {
  /** Facts gathered so far; a check writes the ones it produces and reads those of its dependencies. */
  facts: Facts;
  /** Names for fix commands; checks fill it in as they learn them. */
  target: Target;
  options: RunOptions;
  /** Aborted when the check's time is up or the run's `--timeout` is reached. */
  signal: AbortSignal;
  /**
   * Milliseconds a call may still take: the check's deadline less a moment to turn a timeout into a
   * finding, so a call bounded by this fails before the engine gives up on the check.
   */
  remainingMs(): number;
  /** Progress line for a spinner (TTY only) and --verbose. */
  progress(message: string): void;
  /**
   * The result of `work` for `key`, computed once per run — or once per fleet with --all-contexts, where
   * contexts sharing an exec config, credentials or cluster share the calls (kubectl caches exec
   * credentials per config the same way). Keys must name everything the result depends on.
   */
  once<T>(key: string, work: () => Promise<T>): Promise<T>;
  /**
   * Resolves when a check named in `waitsFor` has finished (at once if it is not in the run): lets a
   * check start its independent calls early and wait only where it needs the other's facts.
   */
  finished(checkId: string): Promise<void>;
}

export interface Check {
  id: string;
  title: string;
  /** Check IDs that must finish first; a halted or failed dependency skips this one. */
  dependsOn: string[];
  /** Check IDs whose facts this one uses when they exist: it waits for those in the run, whatever they found. */
  after?: string[];
  /** Check IDs it waits for mid-run with `finished()`, after starting its independent calls; no others. */
  waitsFor?: string[];
  /** Every rule ID this check may emit; the engine refuses any other, and `run` cannot return another (tsc, see defineCheck). */
  emits: readonly RuleId[];
  /** Per-check bound, further limited by the run's `--timeout`. */
  timeoutMs?: number;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

/** A check as written: the findings its `run` returns are typed by the rules it declares in `emits`. */
export interface CheckSpec<Id extends RuleId> extends Omit<Check, 'emits' | 'run'> {
  emits: readonly Id[];
  run(ctx: CheckContext): Promise<CheckOutcome<FindingOf<Id>>>;
}

/** Declares a check; `tsc` rejects a finding of a rule the check does not declare, or evidence its rule does not take. */
export function defineCheck<const Id extends RuleId>(spec: CheckSpec<Id>): Check {
  return spec as unknown as Check;
}

export interface RunOptions {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  region?: string;
  profile?: string;
  principal?: string;
  since: number;
  noLogs: boolean;
  /** --no-history: do not read CloudTrail, the audit log or IAM (SPEC §10). */
  noHistory?: boolean;
  offline: boolean;
  awsAuthFile?: string;
  timeoutMs: number;
  verbose: boolean;
  /** The environment the run resolves against (process.env, or an isolated one in `demo`). */
  env: NodeJS.ProcessEnv;
  /** Results shared between the runs of a fleet (see CheckContext.once); a fresh one per run when absent. */
  shared?: Map<string, Promise<unknown>>;
  /** An absolute deadline (epoch ms) shared by a fleet: no run goes past it, whatever its own --timeout. */
  deadline?: number;
}
