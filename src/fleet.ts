import { diagnose, type Diagnosis } from './diagnose.js';
import type { RunOptions } from './engine/types.js';
import { isEksServer, parseEksClusterArn } from './facts/eks-endpoint.js';
import { parseExecPlugin } from './facts/exec-plugin.js';
import { loadKubeconfig } from './facts/kubeconfig.js';
import type { FleetReport, Verdict } from './report/model.js';

/** Contexts diagnosed at once: most of a run is waiting on the network, and shared calls are made once. */
const CONCURRENCY = 16;
const WORST: Verdict[] = ['pass', 'warn', 'fail'];

export interface FleetDiagnosis {
  fleet: FleetReport;
  internalErrors: string[];
}

/** `--all-contexts`: every EKS context of the kubeconfig, each diagnosed as `auth --context` would, concurrently. */
export async function diagnoseFleet(options: RunOptions, version: string, onProgress?: (message: string) => void): Promise<FleetDiagnosis> {
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
  const results: Diagnosis[] = new Array(names.length);
  // Contexts that share an exec config, credentials or a cluster share those calls (CheckContext.once).
  const shared = new Map<string, Promise<unknown>>();
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const i = next++;
      onProgress?.(`context ${names[i] ?? '(current)'}`);
      results[i] = await diagnose({ ...options, context: names[i] ?? options.context, shared }, version);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, names.length) }, worker));
  const reports = results.map((r) => r.report);
  const verdict = reports.reduce<Verdict>((worst, r) => (WORST.indexOf(r.verdict) > WORST.indexOf(worst) ? r.verdict : worst), 'pass');
  return { fleet: { schemaVersion: 1, verdict, reports }, internalErrors: results.flatMap((r) => r.internalErrors) };
}
