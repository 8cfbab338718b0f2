import { awsCliInstallCommands, listOf, shq, updateKubeconfigCommand } from './commands.js';
import { DOCS } from './docs.js';
import { rule } from './rule.js';

/** Where a kubeconfig problem is: `file:line`. */
const at = (e: { file: string; line?: number }) => `${e.file}${e.line !== undefined ? `:${e.line}` : ''}`;

/** Names the entry was written for, to regenerate it. */
interface EntryNames {
  clusterName?: string;
  region?: string;
}

export const kubeconfigRules = {
  'kubeconfig/not-found': rule({
    severity: 'error',
    title: 'No kubeconfig file found',
    explain: 'kubectl reads --kubeconfig, else every file in $KUBECONFIG, else ~/.kube/config. None of them exists, so kubectl has no cluster, user or context to use.',
    docs: [DOCS.createKubeconfig, DOCS.kubeconfigFiles],
    rootCause: true,
    example: { paths: ['/home/alice/.kube/config'], source: 'default' },
    message: (e: { paths: string[]; source: '--kubeconfig' | 'KUBECONFIG' | 'default' }) => `No kubeconfig at ${listOf(e.paths)}`,
    detail: (e) => `Looked in ${listOf(e.paths)} (from ${e.source}).`,
    fix: (_e, t) => ({ summary: 'Write a kubeconfig entry for the cluster with the AWS CLI.', commands: [updateKubeconfigCommand(t)] }),
  }),
  'kubeconfig/invalid': rule({
    severity: 'error',
    title: 'kubeconfig file is not valid',
    explain: 'kubectl refuses a kubeconfig whose YAML does not parse or whose entries have the wrong shape; every command then fails before it reaches the cluster.',
    docs: [DOCS.kubeconfigFiles, DOCS.createKubeconfig],
    rootCause: true,
    example: { file: '/home/alice/.kube/config', message: 'users[0] (alice) has no "user" mapping', line: 14 },
    message: (e: { file: string; message: string; line?: number; column?: number }) => `${at(e)}: ${e.message}`,
    fix: (e, t) => ({
      summary: `Correct ${e.file}${e.line !== undefined ? ` near line ${e.line}` : ''}, or move it aside and regenerate the entry.`,
      commands: [`mv ${shq(e.file)} ${shq(`${e.file}.broken`)}`, updateKubeconfigCommand(t)],
    }),
  }),
  'kubeconfig/context-not-found': rule({
    severity: 'error',
    title: 'The requested context does not exist',
    explain: 'The context named by --context or current-context is not defined in any kubeconfig file that kubectl reads.',
    docs: [DOCS.kubeconfigFiles],
    rootCause: true,
    example: { context: 'prod', available: ['staging'], source: '--context' },
    message: (e: { context: string; available: string[]; source: '--context' | 'current-context' }) => `Context "${e.context}" is not in the kubeconfig`,
    detail: (e) => `Contexts available: ${listOf(e.available)}.`,
    fix: (e) => ({
      summary: e.available.length > 0 ? 'Switch to an existing context, or create the missing one.' : 'Create the context with the AWS CLI.',
      commands: [...(e.available.length > 0 ? [`kubectl config use-context ${shq(e.available[0]!)}`] : []), 'kubectl config get-contexts'],
    }),
  }),
  'kubeconfig/no-current-context': rule({
    severity: 'error',
    title: 'No current context is set',
    explain: 'No --context was given and no kubeconfig file sets current-context, so kubectl does not know which cluster to talk to.',
    docs: [DOCS.kubeconfigFiles],
    rootCause: true,
    example: { available: ['prod', 'staging'] },
    message: (_e: { available: string[] }) => 'current-context is not set',
    detail: (e) => `Contexts available: ${listOf(e.available)}.`,
    fix: (e) => ({
      summary: 'Choose a context.',
      commands: e.available.length > 0 ? [`kubectl config use-context ${shq(e.available[0]!)}`] : ['kubectl config get-contexts'],
    }),
  }),
  'kubeconfig/not-eks': rule({
    severity: 'info',
    title: 'The context is not an EKS cluster',
    explain: 'The server is not an EKS endpoint and the user does not authenticate through aws eks get-token or aws-iam-authenticator, so the EKS checks do not apply.',
    docs: [DOCS.kubeconfigFiles],
    rootCause: false,
    example: { context: 'kind-dev', server: 'https://127.0.0.1:6443' },
    message: (e: { context: string; server: string }) => `Context "${e.context}" (${e.server}) is not an EKS cluster`,
  }),
  'kubeconfig/exec-api-version-removed': rule({
    severity: 'error',
    title: 'Exec plugin uses client.authentication.k8s.io/v1alpha1',
    explain:
      'client.authentication.k8s.io/v1alpha1 was removed in Kubernetes 1.24; kubectl 1.24+ fails with \'exec plugin: invalid apiVersion "client.authentication.k8s.io/v1alpha1"\'. AWS CLI v1 before 1.23.9 and v2 before 2.6.3 wrote it into kubeconfigs. Upgrade the AWS CLI and regenerate the entry so it uses v1beta1.',
    docs: [DOCS.createKubeconfig, DOCS.awsCliInstall, DOCS.credentialPlugins],
    rootCause: true,
    example: { user: 'arn:aws:eks:us-west-2:111122223333:cluster/prod', file: '/home/alice/.kube/config', line: 20, apiVersion: 'client.authentication.k8s.io/v1alpha1', clusterName: 'prod', region: 'us-west-2' },
    message: (e: EntryNames & { user: string; file: string; line?: number; apiVersion: string }) => `User "${e.user}" uses the removed exec apiVersion ${e.apiVersion}`,
    detail: (e) => `${at(e)}: kubectl ≥ 1.24 answers: error: exec plugin: invalid apiVersion "${e.apiVersion}".`,
    fix: (e, t) => ({
      summary: 'Upgrade the AWS CLI (v2 ≥ 2.6.3 or v1 ≥ 1.23.9), then regenerate the kubeconfig entry, which then uses client.authentication.k8s.io/v1beta1.',
      commands: ['aws --version', updateKubeconfigCommand(t, { cluster: e.clusterName, region: e.region })],
    }),
  }),
  'kubeconfig/exec-command-not-found': rule({
    severity: 'error',
    title: 'The exec plugin command is not installed',
    explain: 'kubectl runs the exec plugin to get a token; when the command is not on PATH it fails with "exec: executable <name> not found" and never reaches the cluster.',
    docs: [DOCS.awsCliInstall, DOCS.credentialPlugins],
    rootCause: true,
    example: { command: 'aws-iam-authenticator', user: 'prod-admin', kind: 'aws-iam-authenticator', clusterName: 'prod', region: 'us-west-2' },
    message: (e: EntryNames & { command: string; user: string; kind: 'aws-cli' | 'aws-iam-authenticator' | 'other' }) => `Exec plugin "${e.command}" is not on PATH`,
    detail: (e) => `User "${e.user}" runs "${e.command}"; kubectl will fail with: exec: executable ${e.command} not found.`,
    fix: (e, t) =>
      e.kind === 'aws-iam-authenticator'
        ? { summary: "Install aws-iam-authenticator, or switch the entry to the AWS CLI's built-in token command.", commands: [updateKubeconfigCommand(t, { cluster: e.clusterName, region: e.region })] }
        : { summary: 'Install the AWS CLI v2 (or put it on PATH), then regenerate the kubeconfig entry.', commands: [...awsCliInstallCommands(), updateKubeconfigCommand(t, { cluster: e.clusterName, region: e.region })] },
  }),
  'kubeconfig/aws-cli-too-old': rule({
    severity: 'error',
    title: 'The AWS CLI is too old for this kubectl',
    explain:
      'AWS CLI v1 before 1.23.9 and v2 before 2.6.3 write client.authentication.k8s.io/v1alpha1 kubeconfigs and answer get-token in v1alpha1 whatever kubectl asks for; kubectl 1.24+ rejects that apiVersion. From those versions get-token reads KUBERNETES_EXEC_INFO and answers the apiVersion kubectl asks for.',
    docs: [DOCS.awsCliInstall, DOCS.createKubeconfig],
    rootCause: true,
    example: { command: '/usr/local/bin/aws', versionLine: 'aws-cli/2.4.0 Python/3.8.8 Linux/5.10 exe/x86_64', version: '2.4.0', major: 2, minimum: '2.6.3', clusterName: 'prod', region: 'us-west-2' },
    message: (e: EntryNames & { command: string; versionLine: string; version: string; major: 1 | 2; minimum: string }) => `AWS CLI ${e.version} is older than ${e.minimum}`,
    detail: (e) => `The exec plugin runs "${e.command}", which reports ${e.versionLine}.`,
    fix: (e, t) => ({
      summary: `Upgrade the AWS CLI to ${e.minimum} or later, then regenerate the kubeconfig entry.`,
      commands: [...(e.major === 1 ? ['python3 -m pip install --upgrade awscli'] : awsCliInstallCommands()), updateKubeconfigCommand(t, { cluster: e.clusterName, region: e.region })],
    }),
  }),
  'kubeconfig/static-token': rule({
    severity: 'warning',
    title: 'The user has a static bearer token',
    explain: 'EKS tokens made by aws eks get-token are valid for 15 minutes; a token pasted into the kubeconfig stops working soon after. Use the exec plugin so kubectl gets a fresh token for every call.',
    docs: [DOCS.createKubeconfig, DOCS.credentialPlugins],
    rootCause: true,
    example: { user: 'ci', file: '/home/ci/.kube/config' },
    message: (e: { user: string; file: string }) => `User "${e.user}" authenticates with a static token`,
    detail: (e) => `${e.file}: the user has "token:" (its value is not shown).`,
    fix: (_e, t) => ({ summary: 'Replace the static token with the aws eks get-token exec plugin.', commands: [updateKubeconfigCommand(t)] }),
  }),
  'kubeconfig/region-mismatch': rule({
    severity: 'warning',
    title: "The exec plugin's --region is not the cluster's region",
    explain:
      "The token still works: it is a presigned STS request, and the authenticator accepts the STS endpoints of every region in the partition. But AWS calls made in the exec plugin's region (aws eks describe-cluster, update-kubeconfig) find no such cluster there, so the entry was most likely edited by hand or copied between clusters. The cluster's region is the one in its endpoint host or cluster ARN.",
    docs: [DOCS.createKubeconfig, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    example: { execRegion: 'us-east-1', clusterRegion: 'us-west-2', server: 'https://ABCDEF0123456789ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com', clusterName: 'prod' },
    message: (e: { execRegion: string; clusterRegion: string; server: string; clusterName?: string }) => `Exec plugin uses region ${e.execRegion} but the cluster is in ${e.clusterRegion}`,
    fix: (e, t) => ({ summary: `Regenerate the entry for region ${e.clusterRegion}.`, commands: [updateKubeconfigCommand(t, { cluster: e.clusterName, region: e.clusterRegion })] }),
  }),
  'kubeconfig/profile-not-found': rule({
    severity: 'error',
    title: 'The AWS profile used by the exec plugin does not exist',
    explain: 'The exec plugin runs with an AWS profile (exec env AWS_PROFILE or --profile) that is in neither ~/.aws/config nor ~/.aws/credentials; the AWS CLI fails with "The config profile (…) could not be found".',
    docs: [DOCS.awsCliConfigFiles, DOCS.createKubeconfig],
    rootCause: true,
    example: { profile: 'prod-admin', source: 'exec env AWS_PROFILE', configFile: '/home/alice/.aws/config', credentialsFile: '/home/alice/.aws/credentials', available: ['default', 'staging'] },
    explains: ['identity/token-generation-failed', 'kube/unauthorized'],
    message: (e: { profile: string; source: 'exec args --profile' | 'exec env AWS_PROFILE'; configFile: string; credentialsFile: string; available: string[] }) => `AWS profile "${e.profile}" is not configured`,
    detail: (e) => `Set by ${e.source}; looked in ${e.configFile} and ${e.credentialsFile}. Profiles available: ${listOf(e.available)}.`,
    fix: (e, t) => ({
      summary: `Create profile "${e.profile}", or regenerate the entry with a profile that exists.`,
      commands: [`aws configure --profile ${shq(e.profile)}`, updateKubeconfigCommand(t, { profile: e.available[0] ?? '<profile>' })],
    }),
  }),
  'kubeconfig/exec-api-version-mismatch': rule({
    severity: 'error',
    title: 'The exec plugin answers another apiVersion than the kubeconfig asks for',
    explain:
      'kubectl compares the ExecCredential apiVersion the plugin prints with the one configured and fails with "exec plugin is configured to use API version X, plugin returned version Y". Old AWS CLIs print v1alpha1 whatever the kubeconfig says.',
    docs: [DOCS.credentialPlugins, DOCS.awsCliInstall],
    rootCause: true,
    example: { configured: 'client.authentication.k8s.io/v1beta1', returned: 'client.authentication.k8s.io/v1alpha1', command: 'aws' },
    explains: ['identity/token-generation-failed', 'kube/unauthorized'],
    message: (e: { configured?: string; returned?: string; command: string }) => `Exec plugin is configured for ${e.configured ?? '(no apiVersion)'} but returned ${e.returned ?? '(none)'}`,
    fix: (_e, t) => ({
      summary: 'Upgrade the plugin (AWS CLI v2 ≥ 2.6.3 or v1 ≥ 1.23.9), then regenerate the kubeconfig entry so both sides agree.',
      commands: ['aws --version', updateKubeconfigCommand(t)],
    }),
  }),
  'kubeconfig/cluster-name-mismatch': rule({
    severity: 'error',
    title: 'The token is made for another cluster name',
    explain:
      'The exec plugin signs the x-k8s-aws-id header with the cluster name in its arguments; the authenticator replays the request to STS with its own cluster name, so STS answers SignatureDoesNotMatch and the API server 401 Unauthorized.',
    docs: [DOCS.createKubeconfig, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    example: { tokenCluster: 'prod-old', endpointCluster: 'prod', server: 'https://ABCDEF0123456789ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com' },
    explains: ['kube/unauthorized', 'logs/access-denied'],
    message: (e: { tokenCluster?: string; endpointCluster: string; server: string }) =>
      `The exec plugin makes tokens for cluster "${e.tokenCluster ?? '(none)'}", but the endpoint belongs to "${e.endpointCluster}"`,
    fix: (e, t) => ({ summary: `Regenerate the entry for cluster ${e.endpointCluster}.`, commands: [updateKubeconfigCommand(t, { cluster: e.endpointCluster })] }),
  }),
  'kubeconfig/endpoint-mismatch': rule({
    severity: 'error',
    title: "The kubeconfig server is not the cluster's endpoint",
    explain: 'The server URL in the kubeconfig differs from the endpoint EKS reports for the cluster — typically a stale kubeconfig after the cluster was re-created, so kubectl talks to an endpoint that no longer exists or to another cluster.',
    docs: [DOCS.createKubeconfig, DOCS.clusterEndpoint],
    rootCause: true,
    example: { kubeconfigServer: 'https://0123456789ABCDEF0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com', clusterEndpoint: 'https://ABCDEF0123456789ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com', cluster: 'prod' },
    explains: ['cluster/endpoint-unreachable', 'cluster/tls-error', 'kube/unauthorized', 'kubeconfig/ca-mismatch'],
    message: (e: { kubeconfigServer: string; clusterEndpoint: string; cluster: string }) => `kubeconfig points at ${e.kubeconfigServer}, but cluster ${e.cluster} is at ${e.clusterEndpoint}`,
    fix: (_e, t) => ({ summary: 'Regenerate the kubeconfig entry from the cluster as it is now.', commands: [updateKubeconfigCommand(t)] }),
  }),
  'kubeconfig/ca-mismatch': rule({
    severity: 'error',
    title: "The kubeconfig CA is not the cluster's CA",
    explain: "kubectl verifies the API server's certificate against certificate-authority-data; when it is not the cluster's CA, TLS fails with \"x509: certificate signed by unknown authority\".",
    docs: [DOCS.createKubeconfig],
    rootCause: true,
    example: { kubeconfigCluster: 'arn:aws:eks:us-west-2:111122223333:cluster/prod', cluster: 'prod' },
    explains: ['cluster/tls-error'],
    message: (e: { kubeconfigCluster: string; cluster: string }) => `certificate-authority-data of cluster "${e.kubeconfigCluster}" is not the CA of ${e.cluster}`,
    fix: (_e, t) => ({ summary: 'Regenerate the kubeconfig entry, which writes the current CA.', commands: [updateKubeconfigCommand(t)] }),
  }),
};
