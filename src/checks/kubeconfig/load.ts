import { readFile } from 'node:fs/promises';
import type { Check, Finding } from '../../engine/types.js';
import { isEksServer, parseEksClusterArn, regionFromEksServer } from '../../facts/eks-endpoint.js';
import { parseExecPlugin } from '../../facts/exec-plugin.js';
import { loadKubeconfig } from '../../facts/kubeconfig.js';
import { removedExecApiFinding, staticTokenFinding } from './entry-lint.js';

/** Loads the kubeconfig as kubectl merges it and selects the context kubectl would use. */
export const kubeconfigCheck: Check = {
  id: 'kubeconfig',
  title: 'kubeconfig',
  dependsOn: [],
  emits: [
    'kubeconfig/not-found',
    'kubeconfig/invalid',
    'kubeconfig/context-not-found',
    'kubeconfig/no-current-context',
    'kubeconfig/not-eks',
    'kubeconfig/static-token',
    'kubeconfig/exec-api-version-removed',
  ],
  async run({ options, target, facts }) {
    const config = await loadKubeconfig(options.kubeconfig, options.env);
    target.kubeconfig = config.paths;
    const findings: Finding[] = [...config.problems];
    if (config.loaded.length === 0) return { findings, halt: 'no usable kubeconfig' };

    const available = [...config.contexts.keys()];
    const contextName = options.context ?? config.currentContext;
    if (!contextName) return { findings: [...findings, { rule: 'kubeconfig/no-current-context', evidence: { available } }], halt: 'no context selected' };
    target.context = contextName;
    const context = config.contexts.get(contextName);
    if (!context) {
      const evidence = { context: contextName, available, source: options.context ? '--context' : 'current-context' };
      return { findings: [...findings, { rule: 'kubeconfig/context-not-found', evidence }], halt: `context "${contextName}" not found` };
    }
    const cluster = config.clusters.get(context.cluster);
    const user = config.users.get(context.user);
    if (!cluster || !user) {
      const [kind, name] = !cluster ? ['cluster', context.cluster] : ['user', context.user];
      const message = `context "${contextName}" refers to ${kind} "${name}", which is not defined`;
      findings.push({ rule: 'kubeconfig/invalid', evidence: { file: context.file, message } });
      return { findings, halt: message };
    }
    if (!cluster.server) {
      findings.push({ rule: 'kubeconfig/invalid', evidence: { file: cluster.file, message: `cluster "${cluster.name}" has no server` } });
      return { findings, halt: 'cluster has no server' };
    }

    const plugin = user.exec ? parseExecPlugin(user.exec) : undefined;
    const serverRegion = regionFromEksServer(cluster.server);
    const arn = parseEksClusterArn(cluster.name) ?? parseEksClusterArn(context.name);
    target.server = cluster.server;
    target.cluster = plugin?.clusterName ?? arn?.clusterName ?? cluster.name;
    target.region = plugin?.region ?? serverRegion ?? arn?.region;
    target.accountId = arn?.accountId;
    target.profile = plugin?.profile;
    facts.kubeconfig = { config, context, cluster, user, plugin, serverRegion, caPem: await readCa(cluster) };

    const isEks = isEksServer(cluster.server) || plugin?.kind === 'aws-cli' || plugin?.kind === 'aws-iam-authenticator' || arn !== undefined;
    if (!isEks) {
      findings.push({ rule: 'kubeconfig/not-eks', evidence: { context: contextName, server: cluster.server } });
      return { findings, skip: 'not an EKS cluster' };
    }
    const names = { clusterName: target.cluster, region: target.region };
    const fileText = config.texts.get(user.file) ?? '';
    for (const f of [staticTokenFinding(user), removedExecApiFinding(user, fileText, names)]) if (f) findings.push(f);
    return { findings };
  },
};

/** The CA kubectl verifies the server with: certificate-authority-data, else the certificate-authority file. */
async function readCa(cluster: { caData?: string; caFile?: string }): Promise<string | undefined> {
  if (cluster.caData) return Buffer.from(cluster.caData, 'base64').toString('utf8');
  if (cluster.caFile) return readFile(cluster.caFile, 'utf8').catch(() => undefined);
  return undefined;
}
