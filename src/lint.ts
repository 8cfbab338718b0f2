import { regionMismatchFinding, removedExecApiFinding, staticTokenFinding } from './checks/kubeconfig/entry-lint.js';
import { statusOf, type CheckResult, type EmittedFinding } from './engine/run.js';
import type { Finding } from './engine/types.js';
import { regionFromEksServer } from './facts/eks-endpoint.js';
import { parseExecPlugin } from './facts/exec-plugin.js';
import { mergeKubeconfigs } from './facts/kubeconfig.js';
import { isRecord, readYamlFile, type YamlRead } from './facts/yaml-file.js';
import { buildReport } from './report/build.js';
import type { Report } from './report/model.js';
import { severityOf } from './rules/index.js';

/** Offline lint of files before they are applied (SPEC §2, GitOps CI): kubeconfigs and aws-auth ConfigMaps, one check per file. */
export async function lintFiles(files: string[], version: string): Promise<Report> {
  const startedAt = new Date();
  const results = await Promise.all(files.map(lintFile));
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

async function lintFile(file: string): Promise<Finding[]> {
  const read = await readYamlFile(file);
  if (read.ok && read.docs.some(isAwsAuthDocument)) {
    const { parseAwsAuthManifest } = await import('./facts/aws-auth.js');
    return parseAwsAuthManifest(read.text, file).problems;
  }
  return lintKubeconfig(file, read);
}

/** An aws-auth ConfigMap manifest, or a bare `data`-like mapping with the authenticator's keys. */
function isAwsAuthDocument(doc: unknown): boolean {
  if (!isRecord(doc)) return false;
  if (doc.kind === 'ConfigMap') return true;
  return ['mapRoles', 'mapUsers', 'mapAccounts'].some((k) => k in doc);
}

/** Every context and user of one kubeconfig file, with the rules that need no machine state. */
function lintKubeconfig(file: string, read: YamlRead): Finding[] {
  const kc = mergeKubeconfigs([file], [read], true);
  const findings: Finding[] = [...kc.problems];
  const text = read.ok ? read.text : '';
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
