import { regionMismatchFinding, removedExecApiFinding, staticTokenFinding } from './checks/kubeconfig/entry-lint.js';
import { statusOf, type CheckResult, type EmittedFinding } from './engine/run.js';
import type { Finding } from './engine/types.js';
import { regionFromEksServer } from './facts/eks-endpoint.js';
import { parseExecPlugin } from './facts/exec-plugin.js';
import { loadKubeconfig } from './facts/kubeconfig.js';
import { buildReport } from './report/build.js';
import type { Report } from './report/model.js';
import { severityOf } from './rules/index.js';

/** Offline lint of files before they are applied (SPEC §2, GitOps CI): one check per file. */
export async function lintFiles(files: string[], version: string): Promise<Report> {
  const startedAt = new Date();
  const results = await Promise.all(files.map(lintKubeconfigFile));
  const checks: CheckResult[] = files.map((file, i) => ({
    id: `lint:${file}`,
    title: file,
    status: statusOf(results[i]!, severityOf),
    durationMs: 0,
  }));
  const findings: EmittedFinding[] = results.flatMap((fs, i) => fs.map((f) => ({ ...f, check: checks[i]!.id })));
  return buildReport({
    version,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    engine: { checks, findings, facts: {}, target: { kubeconfig: files }, internalErrors: [] },
  });
}

/** Every context and user of one kubeconfig file, with the rules that need no machine state. */
async function lintKubeconfigFile(file: string): Promise<Finding[]> {
  const kc = await loadKubeconfig(file, {});
  const findings: Finding[] = [...kc.problems];
  const text = kc.texts.get(kc.paths[0]!) ?? '';
  for (const user of kc.users.values()) {
    const plugin = user.exec ? parseExecPlugin(user.exec) : undefined;
    for (const f of [staticTokenFinding(user), removedExecApiFinding(user, text, { clusterName: plugin?.clusterName, region: plugin?.region })]) if (f) findings.push(f);
  }
  for (const ctx of kc.contexts.values()) {
    const cluster = kc.clusters.get(ctx.cluster);
    const user = kc.users.get(ctx.user);
    if (!cluster || !user) {
      findings.push({ rule: 'kubeconfig/invalid', evidence: { file, message: `context "${ctx.name}" refers to ${!cluster ? `cluster "${ctx.cluster}"` : `user "${ctx.user}"`}, which is not defined` } });
      continue;
    }
    const mismatch = user.exec && cluster.server ? regionMismatchFinding(parseExecPlugin(user.exec), regionFromEksServer(cluster.server), cluster.server) : undefined;
    if (mismatch) findings.push(mismatch);
  }
  if (kc.currentContext && !kc.contexts.has(kc.currentContext)) {
    findings.push({ rule: 'kubeconfig/context-not-found', evidence: { context: kc.currentContext, available: [...kc.contexts.keys()], source: 'current-context' } });
  }
  return findings;
}
