import { parseEksClusterArn } from '../../facts/eks-endpoint.js';
import { finding, type FindingOf } from '../../rules/index.js';
import { recordSource } from '../facts.js';
import { defineCheck } from '../types.js';

const USABLE_STATUSES = new Set(['ACTIVE', 'UPDATING']);
const EMITS = ['cluster/not-found', 'cluster/not-active', 'cluster/describe-denied', 'kubeconfig/endpoint-mismatch', 'kubeconfig/ca-mismatch', 'kubeconfig/cluster-name-mismatch'] as const;

/**
 * The cluster as EKS describes it, compared with the kubeconfig: is the token made for this
 * cluster's name, is the server its endpoint, is the CA its CA. Found by the exec plugin's cluster
 * name, else by matching the kubeconfig server against the region's clusters.
 */
export const clusterCheck = defineCheck({
  id: 'cluster',
  title: 'EKS cluster',
  dependsOn: ['aws-identity'],
  emits: EMITS,
  async run({ facts, options, target, signal, once }) {
    const { describeCluster, findClusterByEndpoint, endpointMatches, caMatches } = await import('../../facts/eks-cluster.js');
    const kc = facts.kubeconfig!;
    const eks = facts.aws!.eks;
    const region = facts.aws!.region;
    const server = kc.cluster.server!;
    const tokenCluster = kc.plugin?.clusterName;
    const name = options.cluster ?? tokenCluster ?? target.cluster;
    const findings: FindingOf<(typeof EMITS)[number]>[] = [];
    const accountId = facts.sdkIdentity?.accountId ?? target.accountId;

    const describe = (n: string) => once(`describe:${facts.awsKey}:${n}`, () => describeCluster(eks, n, signal));
    const described = name ? await describe(name) : undefined;
    let cluster = described?.ok ? described.cluster : undefined;
    if (described && !described.ok) recordSource(facts, 'eks', { status: described.problem === 'denied' ? 'denied' : 'absent', reason: described.message });
    if (described && !described.ok && described.problem === 'denied') {
      return { findings: [finding('cluster/describe-denied', { cluster: name, principal: facts.sdkIdentity?.arn, message: described.message })], halt: 'eks:DescribeCluster denied' };
    }
    if (described && !described.ok && described.problem !== 'not-found') return { findings: [], halt: `DescribeCluster failed: ${described.message}` };

    // Not found by name, or found but at another endpoint: which cluster does the server belong to?
    if (!cluster || (cluster.endpoint && !endpointMatches(server, cluster.endpoint))) {
      const byEndpoint = await once(`find:${facts.awsKey}:${server}`, () => findClusterByEndpoint(eks, server, signal, describe));
      if (!byEndpoint.ok && byEndpoint.problem === 'denied' && !cluster) {
        return { findings: [finding('cluster/describe-denied', { cluster: name, principal: facts.sdkIdentity?.arn, message: byEndpoint.message })], halt: 'eks:ListClusters denied' };
      }
      if (!byEndpoint.ok && !cluster) return { findings: [], halt: `finding the cluster by its endpoint failed: ${byEndpoint.message}` };
      const owner = byEndpoint.ok ? byEndpoint.cluster : undefined;
      if (owner && owner.name !== name) {
        findings.push(finding('kubeconfig/cluster-name-mismatch', { tokenCluster: name, endpointCluster: owner.name, server }));
        cluster = owner;
      } else if (cluster?.endpoint) {
        findings.push(finding('kubeconfig/endpoint-mismatch', { kubeconfigServer: server, clusterEndpoint: cluster.endpoint, cluster: cluster.name }));
      } else {
        const scanned = byEndpoint.ok ? byEndpoint.scanned : undefined;
        return { findings: [...findings, finding('cluster/not-found', { cluster: name ?? '(unknown)', region, accountId, server, ...(scanned !== undefined && { scanned }) })], halt: `cluster ${name ?? server} not found in ${region}` };
      }
    }
    facts.cluster = cluster;
    recordSource(facts, 'eks', { status: 'read' });
    target.cluster = cluster.name;
    target.accountId = parseEksClusterArn(cluster.arn)?.accountId ?? accountId;

    if (cluster.status && !USABLE_STATUSES.has(cluster.status)) findings.push(finding('cluster/not-active', { cluster: cluster.name, status: cluster.status }));
    if (kc.cluster.caData && cluster.caData && !caMatches(kc.cluster.caData, cluster.caData) && endpointMatches(server, cluster.endpoint ?? '')) {
      findings.push(finding('kubeconfig/ca-mismatch', { kubeconfigCluster: kc.cluster.name, cluster: cluster.name }));
    }
    return { findings };
  },
});
