import { clusterOf, listOf, profileFlag, regionOf, shq, updateKubeconfigCommand } from './commands.js';
import { DOCS } from './docs.js';
import { rule, type Target } from './rule.js';

/** What the endpoint probe found, and the cluster's endpoint settings when they could be read. */
export interface EndpointFailure {
  server: string;
  stage: 'url' | 'dns' | 'tcp' | 'proxy' | 'tls' | 'http';
  problem: string;
  code?: string;
  /** Redacted. */
  message: string;
  elapsedMs: number;
  addresses?: string[];
  endpointPublicAccess?: boolean;
  endpointPrivateAccess?: boolean;
  publicAccessCidrs?: string[];
}

const describeCluster = (t: Target, query: string) => `aws eks describe-cluster --name ${clusterOf(t)} --region ${regionOf(t)}${profileFlag(t.profile)} --query ${query}`;

/** Turning on a control-plane log type changes the cluster: eksdoctor only prints it. */
export function enableLogTypeCommand(t: Target, type: 'authenticator' | 'audit'): string {
  return `aws eks update-cluster-config --name ${clusterOf(t)} --region ${regionOf(t)} --logging '{"clusterLogging":[{"types":["${type}"],"enabled":true}]}'`;
}

export const clusterRules = {
  'cluster/not-found': rule({
    severity: 'error',
    title: 'No EKS cluster by that name in that region and account',
    explain:
      'EKS DescribeCluster answers ResourceNotFoundException: the cluster name, region or account (profile) in the kubeconfig does not match a cluster that exists — it was deleted, renamed, or lives elsewhere.',
    docs: [DOCS.createKubeconfig],
    rootCause: true,
    example: { cluster: 'staging', region: 'us-west-2', accountId: '111122223333', server: 'https://ABCDEF0123456789ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com' },
    explains: ['cluster/endpoint-unreachable', 'kube/unauthorized'],
    message: (e: { cluster: string; region: string; accountId?: string; server: string; scanned?: number }) =>
      `Cluster "${e.cluster}" not found in ${e.region}${e.accountId ? ` (account ${e.accountId})` : ''}`,
    detail: (e) => (e.scanned !== undefined ? `None of the ${e.scanned} clusters in ${e.region} has the endpoint ${e.server}.` : `No cluster in ${e.region} has that name.`),
    fix: (e, t) => ({
      summary: 'List the clusters this profile can see in the region, then regenerate the kubeconfig for the right one.',
      commands: [`aws eks list-clusters --region ${shq(e.region)}${profileFlag(t.profile)}`, updateKubeconfigCommand(t, { region: e.region })],
    }),
  }),
  'cluster/not-active': rule({
    severity: 'error',
    title: 'The cluster is not ACTIVE',
    explain: 'A cluster that is CREATING, DELETING or FAILED has no working API server for you to reach.',
    docs: [DOCS.troubleshootingUnauthorized],
    rootCause: true,
    example: { cluster: 'prod', status: 'CREATING' },
    explains: ['cluster/endpoint-unreachable', 'kube/unauthorized'],
    message: (e: { cluster: string; status: string }) => `Cluster ${e.cluster} is ${e.status}`,
    fix: (_e, t) => ({ summary: 'Wait for the cluster to become ACTIVE (or look at why it failed).', commands: [describeCluster(t, 'cluster.status')] }),
  }),
  'cluster/describe-denied': rule({
    severity: 'warning',
    title: 'Not allowed to describe the cluster',
    explain:
      'Your principal lacks eks:DescribeCluster, so eksdoctor cannot read the authentication mode, endpoint or CA to compare. kubectl itself does not need this permission; the checks that depend on it are skipped.',
    docs: [DOCS.securityIamTroubleshoot],
    rootCause: false,
    example: { cluster: 'prod', principal: 'arn:aws:sts::111122223333:assumed-role/ci/runner', message: 'User is not authorized to perform: eks:DescribeCluster' },
    message: (e: { cluster?: string; principal?: string; message: string }) => `${e.principal ?? 'Your principal'} may not call eks:DescribeCluster on ${e.cluster ?? 'the cluster'}`,
    detail: (e) => e.message,
    fix: (e, t) => ({
      summary: 'Add eks:DescribeCluster (and eks:ListAccessEntries, eks:DescribeAccessEntry, eks:ListAssociatedAccessPolicies for the mapping checks) to your IAM policy; `eksdoctor policy` prints the whole read-only policy.',
      commands: [
        `aws iam simulate-principal-policy --policy-source-arn ${shq(e.principal ?? '<principal-arn>')} --action-names eks:DescribeCluster --resource-arns ${shq(`arn:aws:eks:${t.region ?? '<region>'}:${t.accountId ?? '<account>'}:cluster/${t.cluster ?? '<cluster-name>'}`)}`,
      ],
    }),
  }),
  'cluster/endpoint-unreachable': rule({
    severity: 'error',
    title: 'The API server endpoint cannot be reached',
    explain:
      'kubectl could not complete a connection to the API server: the name does not resolve, the connection is refused, or it never answers. A private-only endpoint (endpointPublicAccess=false) hangs from outside the VPC; a public endpoint with publicAccessCidrs refuses addresses outside the list.',
    docs: [DOCS.clusterEndpoint],
    rootCause: true,
    example: { server: 'https://ABCDEF0123456789ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com', stage: 'tcp', problem: 'connect-timeout', message: 'TCP connection to 10.0.1.5:443 did not complete within 10000 ms', elapsedMs: 10000, addresses: ['10.0.1.5'], endpointPublicAccess: false, endpointPrivateAccess: true, publicAccessCidrs: [] },
    explains: ['kube/unauthorized'],
    message: (e: EndpointFailure) => `${e.server} is unreachable: ${e.message}`,
    detail: (e) =>
      e.endpointPublicAccess !== undefined
        ? `Endpoint access: public=${e.endpointPublicAccess}, private=${e.endpointPrivateAccess}, public CIDRs: ${listOf(e.publicAccessCidrs)}.`
        : `Failed at the ${e.stage} stage after ${e.elapsedMs} ms.`,
    fix: (e, t) =>
      e.endpointPublicAccess === false
        ? {
            summary:
              'The endpoint is private: run from inside the VPC (bastion, VPN, peered network, CloudShell VPC environment), or have an admin enable public access for your address only.',
            commands: [`aws eks update-cluster-config --name ${clusterOf(t)} --region ${regionOf(t)} --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs="$YOUR_CIDR"`],
            placeholders: { YOUR_CIDR: 'your public IPv4 address as a /32 CIDR, e.g. 203.0.113.7/32 (curl -s https://checkip.amazonaws.com prints the address)' },
          }
        : {
            summary: 'Check the network path (DNS, proxy, firewall) and that your public IP is in publicAccessCidrs; a stale endpoint is fixed by regenerating the kubeconfig.',
            commands: [describeCluster(t, 'cluster.resourcesVpcConfig'), updateKubeconfigCommand(t)],
          },
  }),
  'cluster/tls-error': rule({
    severity: 'error',
    title: 'TLS to the API server fails',
    explain:
      "The API server's certificate does not verify against the kubeconfig's certificate-authority-data (kubectl: \"x509: certificate signed by unknown authority\"), does not match the hostname, or has expired. A stale kubeconfig or an intercepting proxy are the usual causes.",
    docs: [DOCS.createKubeconfig, DOCS.clusterEndpoint],
    rootCause: true,
    example: { server: 'https://ABCDEF0123456789ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com', stage: 'tls', problem: 'tls-untrusted', code: 'CERT_SIGNATURE_FAILURE', message: 'the server certificate was signed by another key than the given certificate authority', elapsedMs: 40 },
    explains: ['kube/unauthorized'],
    message: (e: EndpointFailure) => `TLS to ${e.server} fails: ${e.message}`,
    fix: (_e, t) => ({
      summary: "Regenerate the kubeconfig entry so it carries the cluster's current CA; if a proxy intercepts TLS, bypass it for *.eks.amazonaws.com.",
      commands: [updateKubeconfigCommand(t)],
    }),
  }),
  'cluster/authenticator-logging-disabled': rule({
    severity: 'warning',
    title: 'Authenticator logging is disabled',
    explain:
      'The cluster does not send the authenticator control-plane log type to CloudWatch Logs, so when access is denied nobody can read the authenticator\'s reason ("identity is not mapped", an expired or malformed token, …).',
    docs: [DOCS.controlPlaneLogs],
    rootCause: false,
    example: { enabledTypes: ['api'] },
    message: (e: { enabledTypes: string[] }, t) => `Authenticator logging is disabled on ${t.cluster ?? 'the cluster'}${e.enabledTypes.length ? ` (enabled: ${e.enabledTypes.join(', ')})` : ''}`,
    fix: (_e, t) => ({
      summary: 'Turn on the authenticator log type (it changes the cluster, and CloudWatch Logs ingestion and storage are charged; eksdoctor never runs it).',
      commands: [enableLogTypeCommand(t, 'authenticator')],
    }),
  }),
  'cluster/audit-logging-disabled': rule({
    severity: 'info',
    title: 'Audit logging is off, so aws-auth cannot be learned from the audit log',
    explain:
      "The aws-auth ConfigMap could not be read with the caller's credential, and the cluster does not send the audit log type to CloudWatch Logs, where EKS records every change of aws-auth with its content: what aws-auth says about the caller cannot be known from here.",
    docs: [DOCS.controlPlaneLogs, DOCS.kubernetesAuditing],
    rootCause: false,
    example: { enabledTypes: ['authenticator'] },
    message: (e: { enabledTypes: string[] }, t) =>
      `aws-auth could not be read, and audit logging is off on ${t.cluster ?? 'the cluster'}${e.enabledTypes.length ? ` (enabled: ${e.enabledTypes.join(', ')})` : ''}`,
    detail: (_e, t) => `An administrator can turn it on for next time (it changes the cluster; storage is charged): ${enableLogTypeCommand(t, 'audit')}`,
  }),
};
