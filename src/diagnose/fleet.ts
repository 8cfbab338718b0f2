import type { RunOptions } from '../checks/types.js';
import { isEksServer, parseEksClusterArn } from '../facts/eks-endpoint.js';
import { parseExecPlugin } from '../facts/exec-plugin.js';
import { loadKubeconfig } from '../facts/kubeconfig.js';
import { VERDICT_ORDER, type FleetReport, type Verdict } from '../report/model.js';
import type { ProgressListener } from '../engine/progress.js';
import { mapLimit } from '../shared/pool.js';
import { diagnose, type Diagnosis } from './diagnose.js';

/** Contexts diagnosed at once: most of a run is waiting on the network, and shared calls are made once. */
const CONCURRENCY = 32;

export interface FleetDiagnosis {
  fleet: FleetReport;
  internalErrors: string[];
}

/**
 * `--all-contexts`: every EKS context of the kubeconfig, each diagnosed as `auth --context` would,
 * concurrently, under one deadline: the fleet ends within --timeout however many contexts hang.
 */
export async function diagnoseFleet(options: RunOptions, version: string, onProgress?: ProgressListener): Promise<FleetDiagnosis> {
  const startedAt = new Date();
  const deadline = startedAt.getTime() + options.timeoutMs;
  const config = await loadKubeconfig(options.kubeconfig, options.env);
  const contexts = [...config.contexts.values()]
    .filter((ctx) => {
      const cluster = config.clusters.get(ctx.cluster);
      const user = config.users.get(ctx.user);
      const plugin = user?.exec ? parseExecPlugin(user.exec) : undefined;
      return isEksServer(cluster?.server) || plugin?.kind === 'aws-cli' || plugin?.kind === 'aws-iam-authenticator' || parseEksClusterArn(ctx.cluster) !== undefined;
    })
    .map((ctx) => ctx.name);
  // No EKS context (or no usable kubeconfig): one ordinary run says why.
  const names = contexts.length > 0 ? contexts : [undefined];
  // Contexts that share an exec config, credentials or a cluster share those calls (CheckContext.once).
  const shared = new Map<string, Promise<unknown>>();
  const results: Diagnosis[] = await mapLimit(names, CONCURRENCY, (name) => {
    const context = name ?? '(current)';
    return diagnose({ ...options, context: name ?? options.context, shared, deadline }, version, onProgress && ((e) => onProgress({ ...e, context })));
  });
  const reports = results.map((r) => r.report);
  const verdict = reports.reduce<Verdict>((worst, r) => (VERDICT_ORDER.indexOf(r.verdict) > VERDICT_ORDER.indexOf(worst) ? r.verdict : worst), 'pass');
  return { fleet: { schemaVersion: 1, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), verdict, reports }, internalErrors: results.flatMap((r) => r.internalErrors) };
}
