import { clusterOf, contextFlag, listOf, partitionOf, regionOf, shq, updateKubeconfigCommand } from './commands.js';
import { DOCS } from './docs.js';
import { runnerFor } from './grant.js';
import { rule } from './rule.js';

export const kubeRules = {
  'kube/unauthorized': rule({
    severity: 'error',
    title: 'The API server answers 401 Unauthorized',
    explain:
      'kubectl prints "error: You must be logged in to the server (Unauthorized)": the authenticator did not accept the token or could not map its principal. This is a symptom; the cause is in the other findings, or — when none explains it — in the authenticator logs.',
    docs: [DOCS.troubleshootingUnauthorized, DOCS.unauthorizedKnowledgeCenter],
    rootCause: false,
    example: { principal: 'arn:aws:iam::111122223333:role/eks-ci-runner', message: 'error: You must be logged in to the server (Unauthorized)', iamCredential: true },
    message: (e: { principal?: string; message: string; iamCredential: boolean }) => `The API server rejects ${e.principal ?? 'the credential'} with 401 Unauthorized`,
    detail: (e) => e.message,
    fix: (e, t) =>
      e.iamCredential
        ? {
            summary: 'Have a principal that can reach the cluster look up how yours is mapped, and read the authenticator logs for the reason.',
            commands: [`aws eks list-access-entries --cluster-name ${clusterOf(t)} --region ${regionOf(t)}`, `kubectl get configmap aws-auth -n kube-system -o yaml${contextFlag(t)}`],
          }
        : {
            summary:
              'The credential is not an IAM identity (a service-account or OIDC token, a client certificate), so no access entry or aws-auth line can fix it: get a valid one from whoever issued it, or authenticate as an IAM principal through aws eks get-token.',
            commands: [updateKubeconfigCommand(t)],
          },
  }),
  'kube/forbidden': rule({
    severity: 'error',
    title: 'Authenticated, but not allowed to do anything',
    explain:
      'The API server knows who you are but RBAC (and EKS access policies) allow none of the representative reads: kubectl answers \'Error from server (Forbidden): pods is forbidden: User "…" cannot list resource "pods"…\'. Bind the mapped groups or username to a role, or associate an access policy.',
    docs: [DOCS.rbac, DOCS.accessPolicies],
    rootCause: true,
    example: { username: 'dev:alice', groups: ['dev-team', 'system:authenticated'], denied: 'list pods in default, get namespaces, list configmaps in default', principalArn: 'arn:aws:iam::111122223333:role/dev' },
    message: (e: { username?: string; groups: string[]; denied: string; principalArn?: string; message?: string }) => `${e.username ?? 'The user'} (groups: ${listOf(e.groups)}) may not ${e.denied || 'read anything'}`,
    detail: (e) => e.message ?? '',
    fix: (e, t) => {
      const group = e.groups.find((g) => !g.startsWith('system:'));
      // Forbidden everything, the principal cannot grant itself anything: a cluster administrator does.
      const run = runnerFor([], t);
      return {
        summary: `${group ? `Bind group ${group} to a role (view shown)` : 'Bind the user to a role (view shown)'}, as a cluster administrator.`,
        commands: [
          ...run.setup,
          `kubectl create clusterrolebinding ${shq(`${(group ?? 'eksdoctor-user').replace(/[^a-z0-9-]/gi, '-')}-view`)} --clusterrole=view ${group ? `--group=${shq(group)}` : `--user=${e.username ? shq(e.username) : '"$KUBE_USERNAME"'}`}${run.flag}`,
        ],
        placeholders: { ...run.placeholders, ...(!group && !e.username && { KUBE_USERNAME: 'the Kubernetes username the principal is mapped to (kubectl auth whoami as it)' }) },
        ...(e.principalArn && {
          alternative: {
            summary: 'Or, in modes API and API_AND_CONFIG_MAP, associate an EKS access policy with the principal:',
            commands: [`aws eks associate-access-policy --cluster-name ${clusterOf(t)} --region ${regionOf(t)} --principal-arn ${shq(e.principalArn)} --policy-arn arn:${partitionOf(t.region)}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster${run.profile}`],
          },
        }),
      };
    },
  }),
  'kube/authenticated': rule({
    severity: 'info',
    title: 'Who the API server thinks you are',
    explain: 'The SelfSubjectReview answer: the Kubernetes username and groups your token maps to (kubectl auth whoami).',
    docs: [DOCS.rbac],
    rootCause: false,
    example: { username: 'dev:alice', groups: ['dev-team', 'system:authenticated'], extra: {} },
    message: (e: { username: string; groups: string[]; uid?: string; extra: Record<string, string[]> }) => `Authenticated as ${e.username} (groups: ${listOf(e.groups)})`,
  }),
};
