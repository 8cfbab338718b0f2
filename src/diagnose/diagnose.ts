import { ALL_CHECKS, selectChecks } from '../checks/index.js';
import type { RunOptions } from '../checks/types.js';
import { runChecks } from '../engine/run.js';
import type { ProgressListener } from '../engine/progress.js';
import { buildReport } from '../report/build.js';
import type { Report } from '../report/model.js';
import { severityOf } from '../rules/index.js';
import { registerSecretEnv } from '../shared/redact.js';

export interface Diagnosis {
  report: Report;
  /** Non-empty when a check crashed: a bug, exit code 3. */
  internalErrors: string[];
}

/** The `auth` pipeline: run the checks, then join findings with the catalog into a report. */
export async function diagnose(options: RunOptions, version: string, onProgress?: ProgressListener): Promise<Diagnosis> {
  const startedAt = new Date();
  // Keys and tokens in the run's environment must never be printed, whatever quotes them (SPEC §7).
  registerSecretEnv(options.env);
  const checks = selectChecks(options);
  const engine = await runChecks({ checks, options, target: { kubeconfig: [] }, severityOf, onProgress });
  const { facts } = engine;
  const id = facts.identity;
  const identity = id ? { arn: id.arn, principalArn: id.principalArn, accountId: id.accountId, source: id.source } : null;
  // The API server let kubectl's own principal in and read: whatever else could not run, the answer is known.
  const accessConfirmed = !options.principal && facts.kube?.authenticated === true && (facts.kube.allowed?.length ?? 0) > 0;
  const notRun = options.offline ? ALL_CHECKS.filter((c) => !checks.includes(c)).map((c) => c.title) : undefined;
  const report = buildReport({ version, startedAt, durationMs: Date.now() - startedAt.getTime(), engine, identity, accessConfirmed, notRun });
  return { report, internalErrors: engine.internalErrors };
}
