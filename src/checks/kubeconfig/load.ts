import { isEksServer, parseEksClusterArn, regionFromEksServer } from '../../facts/eks-endpoint.js';
import { parseExecPlugin } from '../../facts/exec-plugin.js';
import { readBoundedFile } from '../../facts/files.js';
import { loadKubeconfig, type KubeCluster } from '../../facts/kubeconfig.js';
import { finding, type FindingOf } from '../../rules/index.js';
import { defineCheck } from '../types.js';
import { problemFinding, removedExecApiFinding, staticTokenFinding } from './entry-lint.js';

/** A CA bundle is a few kilobytes; anything larger is not one (SPEC §7). */
const MAX_CA_BYTES = 1024 * 1024;

const EMITS = ['kubeconfig/not-found', 'kubeconfig/invalid', 'kubeconfig/context-not-found', 'kubeconfig/no-current-context', 'kubeconfig/not-eks', 'kubeconfig/static-token', 'kubeconfig/exec-api-version-removed'] as const;

/** Loads the kubeconfig as kubectl merges it and selects the context kubectl would use. */
export const kubeconfigCheck = defineCheck({
  id: 'kubeconfig',
  title: 'kubeconfig',
  dependsOn: [],
  emits: EMITS,
  async run({ options, target, facts, once }) {
    // Read and parsed once per fleet: 50 contexts of one file are one YAML parse, not 50 (nothing here changes it).
    const files = JSON.stringify([options.kubeconfig ?? null, options.env.KUBECONFIG ?? null, options.env.HOME ?? null]);
    const config = await once(`kubeconfig:${files}`, () => loadKubeconfig(options.kubeconfig, options.env));
    target.kubeconfig = config.paths;
    const findings: FindingOf<(typeof EMITS)[number]>[] = config.problems.map(problemFinding);
    if (config.loaded.length === 0) return { findings, halt: 'no usable kubeconfig' };
    // kubectl refuses the whole configuration when one file is invalid; the names are still read, for the fix.
    const broken = config.problems.some((p) => p.kind === 'invalid');

    const available = [...config.contexts.keys()];
    const contextName = options.context ?? config.currentContext;
    if (!contextName) return { findings: [...findings, finding('kubeconfig/no-current-context', { available })], halt: 'no context selected' };
    target.context = contextName;
    const context = config.contexts.get(contextName);
    if (!context) {
      return { findings: [...findings, finding('kubeconfig/context-not-found', { context: contextName, available, source: options.context ? '--context' : 'current-context' })], halt: `context "${contextName}" not found` };
    }
    const cluster = config.clusters.get(context.cluster);
    const user = config.users.get(context.user);
    if (!cluster || !user) {
      const [kind, name] = !cluster ? ['cluster', context.cluster] : ['user', context.user];
      const message = `context "${contextName}" refers to ${kind} "${name}", which is not defined`;
      return { findings: [...findings, finding('kubeconfig/invalid', { file: context.file, message })], halt: message };
    }
    if (!cluster.server) return { findings: [...findings, finding('kubeconfig/invalid', { file: cluster.file, message: `cluster "${cluster.name}" has no server` })], halt: 'cluster has no server' };

    const plugin = user.exec ? parseExecPlugin(user.exec) : undefined;
    const serverRegion = regionFromEksServer(cluster.server);
    const arn = parseEksClusterArn(cluster.name) ?? parseEksClusterArn(context.name);
    // The cluster's region is where its endpoint or ARN says it is, never the exec plugin's alone (SPEC §5).
    const clusterRegion = serverRegion ?? arn?.region;
    target.server = cluster.server;
    target.cluster = plugin?.clusterName ?? arn?.clusterName ?? cluster.name;
    target.region = clusterRegion ?? plugin?.region;
    target.accountId = arn?.accountId;
    target.profile = plugin?.profile;

    if (broken) return { findings, halt: 'kubectl cannot load this kubeconfig' };
    const ca = await readCa(cluster);
    if (!ca.ok) {
      // kubectl: "unable to read certificate-authority …": it reaches no API server, and neither can we.
      return { findings: [...findings, finding('kubeconfig/invalid', { file: cluster.file, message: `cluster "${cluster.name}": certificate-authority ${ca.message}` })], halt: 'the CA cannot be read' };
    }
    facts.kubeconfig = { config, context, cluster, user, plugin, serverRegion, clusterRegion, caPem: ca.pem };

    const isEks = isEksServer(cluster.server) || plugin?.kind === 'aws-cli' || plugin?.kind === 'aws-iam-authenticator' || arn !== undefined;
    if (!isEks) return { findings: [...findings, finding('kubeconfig/not-eks', { context: contextName, server: cluster.server })], skip: 'not an EKS cluster' };
    const names = { clusterName: target.cluster, region: target.region };
    const fileText = config.texts.get(user.file) ?? '';
    for (const f of [staticTokenFinding(user), removedExecApiFinding(user, fileText, names)]) if (f) findings.push(f);
    return { findings };
  },
});

/** The CA kubectl verifies the server with: certificate-authority-data, else the certificate-authority file. */
async function readCa(cluster: KubeCluster): Promise<{ ok: true; pem?: string } | { ok: false; message: string }> {
  if (cluster.caData) return { ok: true, pem: Buffer.from(cluster.caData, 'base64').toString('utf8') };
  if (!cluster.caFile) return { ok: true };
  const read = await readBoundedFile(cluster.caFile, MAX_CA_BYTES);
  return read.ok ? { ok: true, pem: read.text } : { ok: false, message: read.message };
}
