import { diagnose } from '../../diagnose.js';
import { parseArn } from '../../facts/arn.js';
import type { RunOptions } from '../../engine/types.js';
import { SEVERITY_RANK } from '../../rules/types.js';
import type { Report } from '../../report/model.js';
import { redactText } from '../../report/redact.js';
import { parseDuration } from '../duration.js';
import { EXIT, UsageError } from '../errors.js';
import { parseOutput, renderOutput, useColor, writeOutput } from '../output.js';
import { VERSION } from '../version.js';

export interface AuthFlags {
  kubeconfig?: string;
  context?: string;
  offline?: boolean;
  cluster?: string;
  region?: string;
  profile?: string;
  principal?: string;
  since?: string;
  logs?: boolean;
  awsAuthFile?: string;
  allContexts?: boolean;
  timeout: string;
  output: string;
  failOn: string;
  color: boolean;
  verbose?: boolean;
}

export function toRunOptions(flags: AuthFlags, env: NodeJS.ProcessEnv): RunOptions {
  const kind = flags.principal === undefined ? undefined : parseArn(flags.principal)?.kind;
  if (flags.principal !== undefined && kind !== 'user' && kind !== 'role' && kind !== 'assumed-role') {
    throw new UsageError(`--principal must be an IAM user or role ARN, or an STS assumed-role ARN (got "${flags.principal}")`);
  }
  return {
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    cluster: flags.cluster,
    region: flags.region,
    profile: flags.profile,
    principal: flags.principal,
    since: parseDuration(flags.since ?? '1h', '--since'),
    noLogs: flags.logs === false,
    awsAuthFile: flags.awsAuthFile,
    offline: Boolean(flags.offline),
    timeoutMs: parseDuration(flags.timeout, '--timeout'),
    verbose: Boolean(flags.verbose),
    env,
  };
}

export function parseFailOn(value: string): 'error' | 'warning' {
  if (value === 'error' || value === 'warning') return value;
  throw new UsageError(`--fail-on must be error or warning (got "${value}")`);
}

/** Exit code of SPEC §3 for a finished report. */
export function exitCodeOf(report: Report, failOn: 'error' | 'warning', internalErrors: string[]): number {
  if (internalErrors.length > 0) return EXIT.internal;
  return report.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? EXIT.findings : EXIT.ok;
}

export async function authCommand(flags: AuthFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const format = parseOutput(flags.output);
  const failOn = parseFailOn(flags.failOn);
  const options = toRunOptions(flags, env);
  const progress = await progressReporter(options.verbose, format, env);
  const verbose = progress.update;
  const ctx = { color: useColor(!flags.color, env, Boolean(process.stdout.isTTY)), command: 'auth' as const, failOn, env };
  if (flags.allContexts) {
    if (flags.context) throw new UsageError('--all-contexts and --context exclude each other');
    const { diagnoseFleet } = await import('../../fleet.js');
    const { fleet, internalErrors } = await diagnoseFleet(options, VERSION, verbose);
    progress.stop();
    writeOutput(await renderOutput(fleet, format, ctx));
    reportInternalErrors(internalErrors);
    // The worst context decides: any internal error is 3, else any context at or above --fail-on is 1.
    return Math.max(EXIT.ok, ...fleet.reports.map((r) => exitCodeOf(r, failOn, [])), internalErrors.length > 0 ? EXIT.internal : EXIT.ok);
  }
  const { report, internalErrors } = await diagnose(options, VERSION, verbose);
  progress.stop();
  writeOutput(await renderOutput(report, format, ctx));
  reportInternalErrors(internalErrors);
  return exitCodeOf(report, failOn, internalErrors);
}

/**
 * Progress on stderr, never stdout: every step with --verbose; else a spinner, but only for a person
 * (a TTY, text output, not CI), so pipelines and JSON consumers see nothing but the report.
 */
async function progressReporter(verbose: boolean, format: string, env: NodeJS.ProcessEnv): Promise<{ update?: (m: string) => void; stop: () => void }> {
  if (verbose) return { update: (m) => process.stderr.write(`… ${m}\n`), stop: () => {} };
  // A pseudo-terminal without a width (some CI runners) makes a spinner redraw forever: no spinner there.
  if (!process.stderr.isTTY || !(process.stderr.columns > 0) || format !== 'text' || env.CI) return { stop: () => {} };
  const { default: ora } = await import('ora');
  const spinner = ora({ text: 'Diagnosing…', stream: process.stderr, discardStdin: false }).start();
  return { update: (m) => (spinner.text = m), stop: () => spinner.stop() };
}

/** Crashed checks on stderr (the report has them too), redacted as the report is. */
function reportInternalErrors(errors: string[]): void {
  for (const e of errors) process.stderr.write(`eksdoctor: internal error in check ${redactText(e)}\n`);
}
