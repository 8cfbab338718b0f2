import { contextFlag, shq } from './commands.js';
import { DOCS } from './docs.js';
import { str, type Rule } from './types.js';

const groups = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.join(', ') : '(none)');

export const kubeRules: Rule[] = [
  {
    id: 'kube/unauthorized',
    severity: 'error',
    title: 'The API server answers 401 Unauthorized',
    explain:
      'kubectl prints "error: You must be logged in to the server (Unauthorized)": the authenticator did not accept the token or could not map its principal. This is a symptom; the cause is in the other findings, or — when none explains it — in the authenticator logs.',
    docs: [DOCS.troubleshootingUnauthorized, DOCS.unauthorizedKnowledgeCenter],
    rootCause: false,
    message: (e) => `The API server rejects ${str(e, 'principal', 'the token')} with 401 Unauthorized`,
    detail: (e) => str(e, 'message', ''),
    fix: (e, t) => ({
      summary: 'Have a principal that can reach the cluster look up how yours is mapped, and read the authenticator logs for the reason.',
      commands: [
        `aws eks list-access-entries --cluster-name ${shq(t.cluster ?? '<cluster-name>')} --region ${shq(t.region ?? '<region>')}`,
        `kubectl get configmap aws-auth -n kube-system -o yaml${contextFlag(t)}`,
      ],
    }),
  },
  {
    id: 'kube/forbidden',
    severity: 'error',
    title: 'Authenticated, but not allowed to do anything',
    explain:
      'The API server knows who you are but RBAC (and EKS access policies) allow none of the representative reads: kubectl answers \'Error from server (Forbidden): pods is forbidden: User "…" cannot list resource "pods"…\'. Bind the mapped groups or username to a role, or associate an access policy.',
    docs: [DOCS.rbac, DOCS.accessPolicies],
    rootCause: true,
    message: (e) => `${str(e, 'username')} (groups: ${groups(e.groups)}) may not ${str(e, 'denied', 'read anything')}`,
    detail: (e) => str(e, 'message', ''),
    fix: (e, t) => {
      const group = Array.isArray(e.groups) ? (e.groups as string[]).find((g) => !g.startsWith('system:')) : undefined;
      return {
        summary: group ? `Bind group ${group} to a role (view shown), or associate an EKS access policy with the principal.` : 'Bind the user to a role (view shown), or associate an EKS access policy with the principal.',
        commands: [
          `kubectl create clusterrolebinding ${shq(`${group ?? 'eksdoctor-user'}-view`)} --clusterrole=view ${group ? `--group=${shq(group)}` : `--user=${shq(str(e, 'username'))}`}${contextFlag(t)}`,
          ...(e.principalArn
            ? [`aws eks associate-access-policy --cluster-name ${shq(t.cluster ?? '<cluster-name>')} --region ${shq(t.region ?? '<region>')} --principal-arn ${shq(String(e.principalArn))} --policy-arn arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy --access-scope type=cluster`]
            : []),
        ],
      };
    },
  },
  {
    id: 'kube/authenticated',
    severity: 'info',
    title: 'Who the API server thinks you are',
    explain: 'The SelfSubjectReview answer: the Kubernetes username and groups your token maps to (kubectl auth whoami).',
    docs: [DOCS.rbac],
    rootCause: false,
    message: (e) => `Authenticated as ${str(e, 'username')} (groups: ${groups(e.groups)})`,
  },
];
