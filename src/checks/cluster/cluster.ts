import type { Check, Finding } from '../../engine/types.js';
import { parseEksClusterArn } from '../../facts/eks-endpoint.js';

const USABLE_STATUSES = new Set(['ACTIVE', 'UPDATING']);

/**
 * The cluster as EKS describes it, compared with the kubeconfig: is the token made for this
 * cluster's name, is the server its endpoint, is the CA its CA. Found by the exec plugin's cluster
 * name, else by matching the kubeconfig server against the region's clusters.
 */
export const clusterCheck: Check = {
  id: 'cluster',
  title: 'EKS cluster',
  dependsOn: ['aws-identity'],
  emits: ['cluster/not-found', 'cluster/not-active', 'cluster/describe-denied', 'kubeconfig/endpoint-mismatch', 'kubeconfig/ca-mismatch', 'kubeconfig/cluster-name-mismatch'],
  async run({ facts, options, target, signal, once }) {
    const { describeCluster, findClusterByEndpoint, endpointMatches, caMatches } = await import('../../facts/eks-cluster.js');
    const kc = facts.kubeconfig!;
    const eks = facts.aws!.eks;
    const server = kc.cluster.server!;
    const tokenCluster = kc.plugin?.clusterName;
    const name = options.cluster ?? tokenCluster ?? target.cluster;
    const findings: Finding[] = [];
    const accountId = facts.sdkIdentity?.accountId ?? target.accountId;

    const describe = (n: string) => once(`describe:${facts.awsKey}:${n}`, () => describeCluster(eks, n, signal));
    let described = name ? await describe(name) : undefined;
    let cluster = described?.ok ? described.cluster : undefined;
    if (described && !described.ok && described.problem === 'denied') {
      return { findings: [{ rule: 'cluster/describe-denied', evidence: { cluster: name, principal: facts.sdkIdentity?.arn, message: described.message } }], halt: 'eks:DescribeCluster denied' };
    }
    if (described && !described.ok && described.problem !== 'not-found') return { findings: [], halt: `DescribeCluster failed: ${described.message}` };

    // Not found by name, or found but at another endpoint: which cluster does the server belong to?
    if (!cluster || (cluster.endpoint && !endpointMatches(server, cluster.endpoint))) {
      const byEndpoint = await once(`find:${facts.awsKey}:${server}`, () => findClusterByEndpoint(eks, server, signal, describe));
      const owner = byEndpoint.ok ? byEndpoint.cluster : undefined;
      if (owner && owner.name !== name) {
        findings.push({ rule: 'kubeconfig/cluster-name-mismatch', evidence: { tokenCluster: name, endpointCluster: owner.name, server } });
        cluster = owner;
      } else if (cluster?.endpoint) {
        findings.push({ rule: 'kubeconfig/endpoint-mismatch', evidence: { kubeconfigServer: server, clusterEndpoint: cluster.endpoint, cluster: cluster.name } });
      } else {
        const evidence = { cluster: name ?? '(unknown)', region: target.region, accountId, server, ...(byEndpoint.ok && { scanned: byEndpoint.scanned }) };
        return { findings: [...findings, { rule: 'cluster/not-found', evidence }], halt: `cluster ${name ?? server} not found in ${target.region}` };
      }
    }
    described = undefined;
    facts.cluster = cluster;
    target.cluster = cluster.name;
    target.accountId = parseEksClusterArn(cluster.arn)?.accountId ?? accountId;

    if (cluster.status && !USABLE_STATUSES.has(cluster.status)) findings.push({ rule: 'cluster/not-active', evidence: { cluster: cluster.name, status: cluster.status } });
    if (kc.cluster.caData && cluster.caData && !caMatches(kc.cluster.caData, cluster.caData) && endpointMatches(server, cluster.endpoint ?? '')) {
      findings.push({ rule: 'kubeconfig/ca-mismatch', evidence: { kubeconfigCluster: kc.cluster.name, cluster: cluster.name } });
    }
    return { findings };
  },
};
