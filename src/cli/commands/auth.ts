import { diagnose } from '../../diagnose/diagnose.js';
import { parseArn } from '../../facts/arn.js';
import type { RunOptions } from '../../checks/types.js';
import { REPORT_MARGIN_MS } from '../../engine/run.js';
import { SEVERITY_RANK } from '../../rules/rule.js';
import type { Report } from '../../report/model.js';
import { redactText } from '../../shared/redact.js';
import { parseDuration } from '../duration.js';
import { progressDisplay } from '../progress.js';
import { EXIT, UsageError } from '../errors.js';
import { emitReport, stdoutFormat, useColor, type OutputTarget } from '../output.js';
import { VERSION } from '../../shared/version.js';

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
  history?: boolean;
  awsAuthFile?: string;
  allContexts?: boolean;
  timeout: string;
  /** Every `--output` (none: text on stdout). */
  output?: OutputTarget[];
  failOn: string;
  color: boolean;
  verbose?: boolean;
}

/** Below this no check can start: every call keeps REPORT_MARGIN_MS back to report its own timeout (SPEC §3: a usage error). */
const MIN_TIMEOUT_MS = 2 * REPORT_MARGIN_MS;

export function toRunOptions(flags: AuthFlags, env: NodeJS.ProcessEnv): RunOptions {
  // The principals the authenticator can map (pkg/arn Canonicalize): users, roles and their sessions, an account root, federated users.
  const kind = flags.principal === undefined ? undefined : parseArn(flags.principal)?.kind;
  if (flags.principal !== undefined && (kind === undefined || kind === 'other')) {
    throw new UsageError(`--principal must be an IAM user, role or account root ARN, or an STS assumed-role or federated-user ARN (got "${flags.principal}")`);
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
    noHistory: flags.history === false,
    awsAuthFile: flags.awsAuthFile,
    offline: Boolean(flags.offline),
    timeoutMs: parseTimeout(flags.timeout),
    verbose: Boolean(flags.verbose),
    env,
  };
}

function parseTimeout(value: string): number {
  const ms = parseDuration(value, '--timeout');
  if (ms < MIN_TIMEOUT_MS) throw new UsageError(`--timeout ${value} is too short to run anything; give at least ${MIN_TIMEOUT_MS / 1000}s`);
  return ms;
}

/** An --aws-auth-file that is not a readable regular file is a usage error (SPEC §3), found before the run starts. */
async function checkOptionFile(path: string | undefined, option: string): Promise<void> {
  if (path === undefined) return;
  const { stat, access } = await import('node:fs/promises');
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`${option} ${path}: no such file`);
  if (!info.isFile()) throw new UsageError(`${option} ${path}: not a regular file${info.isDirectory() ? ' (a directory)' : ''}`);
  await access(path).catch(() => {
    throw new UsageError(`${option} ${path}: cannot be read`);
  });
}

export function parseFailOn(value: string): 'error' | 'warning' {
  if (value === 'error' || value === 'warning') return value;
  throw new UsageError(`--fail-on must be error or warning (got "${value}")`);
}

/** Exit code of SPEC §3 for a finished report: 1 for a finding at or above --fail-on, or a diagnosis that did not finish. */
export function exitCodeOf(report: Report, failOn: 'error' | 'warning', internalErrors: string[]): number {
  if (internalErrors.length > 0) return EXIT.internal;
  if (report.verdict === 'incomplete') return EXIT.findings;
  return report.findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? EXIT.findings : EXIT.ok;
}

export async function authCommand(flags: AuthFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const format = stdoutFormat(flags.output);
  const failOn = parseFailOn(flags.failOn);
  const options = toRunOptions(flags, env);
  await checkOptionFile(options.awsAuthFile, '--aws-auth-file');
  const progress = await progressDisplay(options.verbose, format, env);
  const verbose = progress.listener;
  const ctx = { color: useColor(!flags.color, env, Boolean(process.stdout.isTTY)), command: 'auth' as const, failOn, env, width: process.stdout.isTTY ? process.stdout.columns : undefined };
  if (flags.allContexts) {
    if (flags.context) throw new UsageError('--all-contexts and --context exclude each other');
    const { diagnoseFleet } = await import('../../diagnose/fleet.js');
    const { fleet, internalErrors } = await diagnoseFleet(options, VERSION, verbose);
    progress.stop();
    const written = await emitReport(fleet, flags.output, ctx);
    reportInternalErrors(internalErrors);
    // The worst context decides: any internal error is 3, else any context at or above --fail-on is 1.
    return withOutputs(Math.max(EXIT.ok, ...fleet.reports.map((r) => exitCodeOf(r, failOn, [])), internalErrors.length > 0 ? EXIT.internal : EXIT.ok), written);
  }
  const { report, internalErrors } = await diagnose(options, VERSION, verbose);
  progress.stop();
  const written = await emitReport(report, flags.output, ctx);
  reportInternalErrors(internalErrors);
  return withOutputs(exitCodeOf(report, failOn, internalErrors), written);
}

/** An `--output` file that could not be written is a bad option value (SPEC §3: exit 2), unless the run already has worse (3). */
export function withOutputs(code: number, written: boolean): number {
  return written ? code : Math.max(code, EXIT.usage);
}

/** Crashed checks on stderr (the report has them too), redacted as the report is. */
function reportInternalErrors(errors: string[]): void {
  for (const e of errors) process.stderr.write(`eksdoctor: internal error in check ${redactText(e)}\n`);
}
