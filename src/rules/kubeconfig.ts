import { updateKubeconfigCommand, shq } from './commands.js';
import { DOCS } from './docs.js';
import { str, type Rule } from './types.js';

const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.join(', ') : '(none)');
const at = (e: Record<string, unknown>) => `${str(e, 'file', 'kubeconfig')}${typeof e.line === 'number' ? `:${e.line}` : ''}`;

export const kubeconfigRules: Rule[] = [
  {
    id: 'kubeconfig/not-found',
    severity: 'error',
    title: 'No kubeconfig file found',
    explain: 'kubectl reads --kubeconfig, else every file in $KUBECONFIG, else ~/.kube/config. None of them exists, so kubectl has no cluster, user or context to use.',
    docs: [DOCS.createKubeconfig, DOCS.kubeconfigFiles],
    rootCause: true,
    message: (e) => `No kubeconfig at ${list(e.paths)}`,
    detail: (e) => `Looked in ${list(e.paths)} (from ${str(e, 'source')}).`,
    fix: (e, t) => ({
      summary: 'Write a kubeconfig entry for the cluster with the AWS CLI.',
      commands: [updateKubeconfigCommand(t, e)],
    }),
  },
  {
    id: 'kubeconfig/invalid',
    severity: 'error',
    title: 'kubeconfig file is not valid',
    explain: 'kubectl refuses a kubeconfig whose YAML does not parse or whose entries have the wrong shape; every command then fails before it reaches the cluster.',
    docs: [DOCS.kubeconfigFiles, DOCS.createKubeconfig],
    rootCause: true,
    message: (e) => `${at(e)}: ${str(e, 'message')}`,
    fix: (e, t) => ({
      summary: `Correct ${str(e, 'file', 'the file')}${typeof e.line === 'number' ? ` near line ${e.line}` : ''}, or move it aside and regenerate the entry.`,
      commands: [`mv ${shq(str(e, 'file', '~/.kube/config'))} ${shq(str(e, 'file', '~/.kube/config') + '.broken')}`, updateKubeconfigCommand(t, e)],
    }),
  },
  {
    id: 'kubeconfig/context-not-found',
    severity: 'error',
    title: 'The requested context does not exist',
    explain: 'The context named by --context or current-context is not defined in any kubeconfig file that kubectl reads.',
    docs: [DOCS.kubeconfigFiles],
    rootCause: true,
    message: (e) => `Context "${str(e, 'context')}" is not in the kubeconfig`,
    detail: (e) => `Contexts available: ${list(e.available)}.`,
    fix: (e) => ({
      summary: Array.isArray(e.available) && e.available.length > 0 ? 'Switch to an existing context, or create the missing one.' : 'Create the context with the AWS CLI.',
      commands: [
        ...(Array.isArray(e.available) && e.available.length > 0 ? [`kubectl config use-context ${shq(String(e.available[0]))}`] : []),
        'kubectl config get-contexts',
      ],
    }),
  },
  {
    id: 'kubeconfig/no-current-context',
    severity: 'error',
    title: 'No current context is set',
    explain: 'No --context was given and no kubeconfig file sets current-context, so kubectl does not know which cluster to talk to.',
    docs: [DOCS.kubeconfigFiles],
    rootCause: true,
    message: () => 'current-context is not set',
    detail: (e) => `Contexts available: ${list(e.available)}.`,
    fix: (e) => ({
      summary: 'Choose a context.',
      commands: Array.isArray(e.available) && e.available.length > 0 ? [`kubectl config use-context ${shq(String(e.available[0]))}`] : ['kubectl config get-contexts'],
    }),
  },
  {
    id: 'kubeconfig/not-eks',
    severity: 'info',
    title: 'The context is not an EKS cluster',
    explain: 'The server is not an EKS endpoint and the user does not authenticate through aws eks get-token or aws-iam-authenticator, so the EKS checks do not apply.',
    docs: [DOCS.kubeconfigFiles],
    rootCause: false,
    message: (e) => `Context "${str(e, 'context')}" (${str(e, 'server', 'no server')}) is not an EKS cluster`,
  },
  {
    id: 'kubeconfig/exec-api-version-removed',
    severity: 'error',
    title: 'Exec plugin uses client.authentication.k8s.io/v1alpha1',
    explain:
      'client.authentication.k8s.io/v1alpha1 was removed in Kubernetes 1.24; kubectl 1.24+ fails with \'exec plugin: invalid apiVersion "client.authentication.k8s.io/v1alpha1"\'. AWS CLI v1 before 1.23.9 and v2 before 2.6.3 wrote it into kubeconfigs. Upgrade the AWS CLI and regenerate the entry so it uses v1beta1.',
    docs: [DOCS.createKubeconfig, DOCS.awsCliInstall, DOCS.credentialPlugins],
    rootCause: true,
    message: (e) => `User "${str(e, 'user')}" uses the removed exec apiVersion ${str(e, 'apiVersion')}`,
    detail: (e) =>
      `${at(e)}: kubectl ${'>'}= 1.24 answers: error: exec plugin: invalid apiVersion "${str(e, 'apiVersion')}".` +
      (typeof e.awsCliVersion === 'string' ? ` The installed AWS CLI is ${e.awsCliVersion}.` : ''),
    fix: (e, t) => ({
      summary: 'Upgrade the AWS CLI (v2 ≥ 2.7.0 or v1 ≥ 1.24.0), then regenerate the kubeconfig entry, which then uses client.authentication.k8s.io/v1beta1.',
      commands: ['aws --version', updateKubeconfigCommand(t, e)],
    }),
  },
  {
    id: 'kubeconfig/exec-command-not-found',
    severity: 'error',
    title: 'The exec plugin command is not installed',
    explain: 'kubectl runs the exec plugin to get a token; when the command is not on PATH it fails with "exec: executable <name> not found" and never reaches the cluster.',
    docs: [DOCS.awsCliInstall, DOCS.credentialPlugins],
    rootCause: true,
    message: (e) => `Exec plugin "${str(e, 'command')}" is not on PATH`,
    detail: (e) => `User "${str(e, 'user')}" runs "${str(e, 'command')}"; kubectl will fail with: exec: executable ${str(e, 'command')} not found.`,
    fix: (e, t) => ({
      summary:
        e.kind === 'aws-iam-authenticator'
          ? 'Install aws-iam-authenticator, or switch the entry to the AWS CLI\'s built-in token command.'
          : 'Install the AWS CLI v2 (or put it on PATH), then regenerate the kubeconfig entry.',
      commands:
        e.kind === 'aws-iam-authenticator'
          ? [updateKubeconfigCommand(t, e)]
          : ['curl "https://awscli.amazonaws.com/awscli-exe-linux-x86_64.zip" -o awscliv2.zip && unzip awscliv2.zip && sudo ./aws/install', updateKubeconfigCommand(t, e)],
    }),
  },
  {
    id: 'kubeconfig/aws-cli-too-old',
    severity: 'error',
    title: 'The AWS CLI is too old for this kubectl',
    explain:
      'AWS CLI v1 before 1.24.0 and v2 before 2.7.0 emit tokens as client.authentication.k8s.io/v1alpha1 (and before 1.23.9 / 2.6.3 write v1alpha1 kubeconfigs); kubectl 1.24+ rejects that apiVersion.',
    docs: [DOCS.awsCliInstall, DOCS.createKubeconfig],
    rootCause: true,
    message: (e) => `AWS CLI ${str(e, 'version')} is older than ${str(e, 'minimum')}`,
    detail: (e) => `The exec plugin runs "${str(e, 'command', 'aws')}", which reports ${str(e, 'versionLine')}.`,
    fix: (e, t) => ({
      summary: `Upgrade the AWS CLI to ${str(e, 'minimum')} or later, then regenerate the kubeconfig entry.`,
      commands:
        e.major === 1
          ? ['python3 -m pip install --upgrade awscli', updateKubeconfigCommand(t, e)]
          : ['curl "https://awscli.amazonaws.com/awscli-exe-linux-x86_64.zip" -o awscliv2.zip && unzip -o awscliv2.zip && sudo ./aws/install --update', updateKubeconfigCommand(t, e)],
    }),
  },
  {
    id: 'kubeconfig/static-token',
    severity: 'warning',
    title: 'The user has a static bearer token',
    explain: 'EKS tokens made by aws eks get-token are valid for 15 minutes; a token pasted into the kubeconfig stops working soon after. Use the exec plugin so kubectl gets a fresh token for every call.',
    docs: [DOCS.createKubeconfig, DOCS.credentialPlugins],
    rootCause: true,
    message: (e) => `User "${str(e, 'user')}" authenticates with a static token`,
    detail: (e) => `${str(e, 'file', 'kubeconfig')}: the user has "token:" (its value is not shown).`,
    fix: (e, t) => ({ summary: 'Replace the static token with the aws eks get-token exec plugin.', commands: [updateKubeconfigCommand(t, e)] }),
  },
  {
    id: 'kubeconfig/region-mismatch',
    severity: 'error',
    title: 'The exec plugin asks for a token in another region than the cluster',
    explain:
      'The token is a presigned STS request for the region in the exec plugin arguments; the endpoint hostname says the cluster lives in another region, so the cluster name is looked up in the wrong place and the kubeconfig was most likely edited by hand or copied between clusters.',
    docs: [DOCS.createKubeconfig, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    message: (e) => `Exec plugin uses region ${str(e, 'execRegion')} but the cluster is in ${str(e, 'clusterRegion')}`,
    fix: (e, t) => ({
      summary: `Regenerate the entry for region ${str(e, 'clusterRegion')}.`,
      commands: [updateKubeconfigCommand(t, { ...e, region: e.clusterRegion })],
    }),
  },
  {
    id: 'kubeconfig/profile-not-found',
    severity: 'error',
    title: 'The AWS profile used by the exec plugin does not exist',
    explain: 'The exec plugin runs with an AWS profile (exec env AWS_PROFILE or --profile) that is in neither ~/.aws/config nor ~/.aws/credentials; the AWS CLI fails with "The config profile (…) could not be found".',
    docs: [DOCS.awsCliConfigFiles, DOCS.createKubeconfig],
    rootCause: true,
    explains: ['identity/token-generation-failed', 'kube/unauthorized'],
    message: (e) => `AWS profile "${str(e, 'profile')}" is not configured`,
    detail: (e) => `Set by ${str(e, 'source')}; looked in ${str(e, 'configFile')} and ${str(e, 'credentialsFile')}. Profiles available: ${list(e.available)}.`,
    fix: (e, t) => ({
      summary: `Create profile "${str(e, 'profile')}", or regenerate the entry with a profile that exists.`,
      commands: [
        `aws configure --profile ${shq(str(e, 'profile'))}`,
        updateKubeconfigCommand(t, { ...e, profile: Array.isArray(e.available) && e.available.length > 0 ? String(e.available[0]) : '<profile>' }),
      ],
    }),
  },
  {
    id: 'kubeconfig/exec-api-version-mismatch',
    severity: 'error',
    title: 'The exec plugin answers another apiVersion than the kubeconfig asks for',
    explain:
      'kubectl compares the ExecCredential apiVersion the plugin prints with the one configured and fails with "exec plugin is configured to use API version X, plugin returned version Y". Old AWS CLIs print v1alpha1 whatever the kubeconfig says.',
    docs: [DOCS.credentialPlugins, DOCS.awsCliInstall],
    rootCause: true,
    explains: ['identity/token-generation-failed', 'kube/unauthorized'],
    message: (e) => `Exec plugin is configured for ${str(e, 'configured')} but returned ${str(e, 'returned')}`,
    fix: (e, t) => ({
      summary: 'Upgrade the plugin (AWS CLI v2 ≥ 2.7.0 or v1 ≥ 1.24.0), then regenerate the kubeconfig entry so both sides agree.',
      commands: ['aws --version', updateKubeconfigCommand(t, e)],
    }),
  },
  {
    id: 'kubeconfig/cluster-name-mismatch',
    severity: 'error',
    title: 'The token is made for another cluster name',
    explain:
      'The exec plugin signs the x-k8s-aws-id header with the cluster name in its arguments; the authenticator replays the request to STS with its own cluster name, so STS answers SignatureDoesNotMatch and the API server 401 Unauthorized.',
    docs: [DOCS.createKubeconfig, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    explains: ['kube/unauthorized', 'logs/access-denied'],
    message: (e) => `The exec plugin makes tokens for cluster "${str(e, 'tokenCluster')}", but the endpoint belongs to "${str(e, 'endpointCluster')}"`,
    fix: (e, t) => ({ summary: `Regenerate the entry for cluster ${str(e, 'endpointCluster')}.`, commands: [updateKubeconfigCommand({ ...t, cluster: str(e, 'endpointCluster') }, { ...e, clusterName: e.endpointCluster })] }),
  },
  {
    id: 'kubeconfig/endpoint-mismatch',
    severity: 'error',
    title: "The kubeconfig server is not the cluster's endpoint",
    explain: 'The server URL in the kubeconfig differs from the endpoint EKS reports for the cluster — typically a stale kubeconfig after the cluster was re-created, so kubectl talks to an endpoint that no longer exists or to another cluster.',
    docs: [DOCS.createKubeconfig, DOCS.clusterEndpoint],
    rootCause: true,
    explains: ['cluster/endpoint-unreachable', 'cluster/tls-error', 'kube/unauthorized', 'kubeconfig/ca-mismatch'],
    message: (e) => `kubeconfig points at ${str(e, 'kubeconfigServer')}, but cluster ${str(e, 'cluster')} is at ${str(e, 'clusterEndpoint')}`,
    fix: (e, t) => ({ summary: 'Regenerate the kubeconfig entry from the cluster as it is now.', commands: [updateKubeconfigCommand(t, e)] }),
  },
  {
    id: 'kubeconfig/ca-mismatch',
    severity: 'error',
    title: "The kubeconfig CA is not the cluster's CA",
    explain: "kubectl verifies the API server's certificate against certificate-authority-data; when it is not the cluster's CA, TLS fails with \"x509: certificate signed by unknown authority\".",
    docs: [DOCS.createKubeconfig],
    rootCause: true,
    explains: ['cluster/tls-error'],
    message: (e) => `certificate-authority-data of cluster "${str(e, 'kubeconfigCluster')}" is not the CA of ${str(e, 'cluster')}`,
    fix: (e, t) => ({ summary: 'Regenerate the kubeconfig entry, which writes the current CA.', commands: [updateKubeconfigCommand(t, e)] }),
  },
];
