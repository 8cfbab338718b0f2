import { shq, updateKubeconfigCommand } from './commands.js';
import { DOCS } from './docs.js';
import { str, type Rule } from './types.js';

const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.join(', ') : '(none)');

export const clusterRules: Rule[] = [
  {
    id: 'cluster/not-found',
    severity: 'error',
    title: 'No EKS cluster by that name in that region and account',
    explain: 'EKS DescribeCluster answers ResourceNotFoundException: the cluster name, region or account (profile) in the kubeconfig does not match a cluster that exists — it was deleted, renamed, or lives elsewhere.',
    docs: [DOCS.createKubeconfig],
    rootCause: true,
    explains: ['cluster/endpoint-unreachable', 'kube/unauthorized'],
    message: (e) => `Cluster "${str(e, 'cluster')}" not found in ${str(e, 'region')}${e.accountId ? ` (account ${e.accountId})` : ''}`,
    detail: (e) => (Array.isArray(e.clusters) ? `Clusters in ${str(e, 'region')}: ${list(e.clusters)}.` : ''),
    fix: (e, t) => ({
      summary: 'List the clusters this profile can see in the region, then regenerate the kubeconfig for the right one.',
      commands: [`aws eks list-clusters --region ${shq(str(e, 'region', t.region ?? '<region>'))}${t.profile ? ` --profile ${shq(t.profile)}` : ''}`, updateKubeconfigCommand(t, e)],
    }),
  },
  {
    id: 'cluster/not-active',
    severity: 'error',
    title: 'The cluster is not ACTIVE',
    explain: 'A cluster that is CREATING, DELETING or FAILED has no working API server for you to reach.',
    docs: [DOCS.troubleshootingUnauthorized],
    rootCause: true,
    explains: ['cluster/endpoint-unreachable', 'kube/unauthorized'],
    message: (e) => `Cluster ${str(e, 'cluster')} is ${str(e, 'status')}`,
    fix: (e, t) => ({ summary: 'Wait for the cluster to become ACTIVE (or look at why it failed).', commands: [`aws eks describe-cluster --name ${shq(str(e, 'cluster', t.cluster ?? '<cluster-name>'))} --region ${shq(t.region ?? '<region>')} --query cluster.status`] }),
  },
  {
    id: 'cluster/describe-denied',
    severity: 'warning',
    title: 'Not allowed to describe the cluster',
    explain: 'Your principal lacks eks:DescribeCluster, so eksdoctor cannot read the authentication mode, endpoint or CA to compare. kubectl itself does not need this permission; the checks that depend on it are skipped.',
    docs: [DOCS.securityIamTroubleshoot],
    rootCause: false,
    message: (e) => `${str(e, 'principal', 'Your principal')} may not call eks:DescribeCluster on ${str(e, 'cluster')}`,
    detail: (e) => str(e, 'message', ''),
    fix: (e, t) => ({
      summary: 'Add eks:DescribeCluster (and eks:ListAccessEntries, eks:DescribeAccessEntry, eks:ListAssociatedAccessPolicies for the mapping checks) to your IAM policy.',
      commands: [`aws iam simulate-principal-policy --policy-source-arn ${shq(str(e, 'principal', '<principal-arn>'))} --action-names eks:DescribeCluster --resource-arns arn:aws:eks:${t.region ?? '<region>'}:${t.accountId ?? '<account>'}:cluster/${t.cluster ?? '<cluster-name>'}`],
    }),
  },
  {
    id: 'cluster/endpoint-unreachable',
    severity: 'error',
    title: 'The API server endpoint cannot be reached',
    explain:
      'kubectl could not complete a connection to the API server: the name does not resolve, the connection is refused, or it never answers. A private-only endpoint (endpointPublicAccess=false) hangs from outside the VPC; a public endpoint with publicAccessCidrs refuses addresses outside the list.',
    docs: [DOCS.clusterEndpoint],
    rootCause: true,
    explains: ['kube/unauthorized'],
    message: (e) => `${str(e, 'server')} is unreachable: ${str(e, 'problem')} at ${str(e, 'stage')}`,
    detail: (e) =>
      [
        str(e, 'message', ''),
        e.endpointPublicAccess !== undefined ? `Endpoint access: public=${e.endpointPublicAccess}, private=${e.endpointPrivateAccess}, public CIDRs: ${list(e.publicAccessCidrs)}.` : '',
      ]
        .filter(Boolean)
        .join(' '),
    fix: (e, t) =>
      e.endpointPublicAccess === false
        ? {
            summary: 'The endpoint is private: run from inside the VPC (bastion, VPN, peered network, CloudShell VPC environment), or have an admin enable public access for your address.',
            commands: [`aws eks update-cluster-config --name ${shq(t.cluster ?? '<cluster-name>')} --region ${shq(t.region ?? '<region>')} --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs=<your-ip>/32`],
          }
        : {
            summary: 'Check the network path (DNS, proxy, firewall) and that your public IP is in publicAccessCidrs; a stale endpoint is fixed by regenerating the kubeconfig.',
            commands: [
              `aws eks describe-cluster --name ${shq(t.cluster ?? '<cluster-name>')} --region ${shq(t.region ?? '<region>')} --query cluster.resourcesVpcConfig`,
              updateKubeconfigCommand(t, e),
            ],
          },
  },
  {
    id: 'cluster/tls-error',
    severity: 'error',
    title: 'TLS to the API server fails',
    explain: "The API server's certificate does not verify against the kubeconfig's certificate-authority-data (kubectl: \"x509: certificate signed by unknown authority\"), does not match the hostname, or has expired. A stale kubeconfig or an intercepting proxy are the usual causes.",
    docs: [DOCS.createKubeconfig, DOCS.clusterEndpoint],
    rootCause: true,
    explains: ['kube/unauthorized'],
    message: (e) => `TLS to ${str(e, 'server')} fails: ${str(e, 'problem')}`,
    detail: (e) => str(e, 'message', ''),
    fix: (e, t) => ({ summary: 'Regenerate the kubeconfig entry so it carries the cluster\'s current CA; if a proxy intercepts TLS, bypass it for *.eks.amazonaws.com.', commands: [updateKubeconfigCommand(t, e)] }),
  },
];
