import { selectChecks } from './checks/index.js';
import { runChecks } from './engine/run.js';
import type { RunOptions } from './engine/types.js';
import { buildReport } from './report/build.js';
import type { Report } from './report/model.js';
import { severityOf } from './rules/index.js';

export interface Diagnosis {
  report: Report;
  /** Non-empty when a check crashed: a bug, exit code 3. */
  internalErrors: string[];
}

/** The `auth` pipeline: run the checks, then join findings with the catalog into a report. */
export async function diagnose(options: RunOptions, version: string, onProgress?: (message: string) => void): Promise<Diagnosis> {
  const startedAt = new Date();
  const engine = await runChecks({ checks: selectChecks(options), options, target: { kubeconfig: [] }, severityOf, onProgress });
  const id = engine.facts.identity;
  const identity = id ? { arn: id.arn, principalArn: id.principalArn, accountId: id.accountId, source: id.source } : null;
  const report = buildReport({ version, startedAt, durationMs: Date.now() - startedAt.getTime(), engine, identity });
  return { report, internalErrors: engine.internalErrors };
}
