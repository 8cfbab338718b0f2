import { shq, updateKubeconfigCommand } from './commands.js';
import { DOCS } from './docs.js';
import { str, type Evidence, type Rule, type Target } from './types.js';

const profileFlag = (e: Evidence, t: Target) => {
  const p = (e.profile as string | undefined) ?? t.profile;
  return p ? ` --profile ${shq(p)}` : '';
};
const getTokenCommand = (e: Evidence, t: Target) =>
  `aws eks get-token --cluster-name ${shq(t.cluster ?? '<cluster-name>')} --region ${shq(t.region ?? '<region>')}${profileFlag(e, t)}${typeof e.roleArn === 'string' ? ` --role-arn ${shq(e.roleArn)}` : ''}`;

export const identityRules: Rule[] = [
  {
    id: 'identity/no-credentials',
    severity: 'error',
    title: 'No AWS credentials',
    explain: 'The exec plugin signs its token with AWS credentials from the same chain the AWS CLI uses (profile, environment, SSO, web identity, container or instance metadata). None of them provided credentials, so no token can be made.',
    docs: [DOCS.awsCliConfigFiles, DOCS.createKubeconfig, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    explains: ['identity/token-generation-failed', 'kube/unauthorized'],
    message: (e, t) => `No AWS credentials for ${(e.profile as string | undefined) ?? t.profile ? `profile "${(e.profile as string | undefined) ?? t.profile}"` : 'the default chain'}`,
    detail: (e) => str(e, 'message', 'The credential chain found nothing.'),
    fix: (e, t) => ({
      summary: 'Configure credentials for the profile the kubeconfig uses (or sign in with IAM Identity Center), then check who you are.',
      commands: [`aws configure${profileFlag(e, t)}`, `aws sts get-caller-identity${profileFlag(e, t)}`],
    }),
  },
  {
    id: 'identity/credentials-expired',
    severity: 'error',
    title: 'AWS credentials have expired',
    explain: 'STS refuses expired temporary credentials (ExpiredToken), and an IAM Identity Center (SSO) session that has expired gives no credentials at all until you sign in again. Every token the exec plugin makes is then rejected.',
    docs: [DOCS.ssoUser, DOCS.awsCliConfigFiles, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    explains: ['identity/token-generation-failed', 'kube/unauthorized', 'identity/exec-identity-differs'],
    message: (e) => (e.sso ? `The IAM Identity Center session${e.profile ? ` of profile "${e.profile}"` : ''} has expired` : `AWS credentials${e.profile ? ` of profile "${e.profile}"` : ''} have expired`),
    detail: (e) => str(e, 'message', ''),
    fix: (e, t) =>
      e.sso
        ? { summary: 'Sign in again, then retry.', commands: [`aws sso login${profileFlag(e, t)}`, `aws sts get-caller-identity${profileFlag(e, t)}`] }
        : {
            summary: 'Get fresh credentials (re-run whatever exported them, or refresh the profile), then check who you are.',
            commands: [`aws configure list${profileFlag(e, t)}`, `aws sts get-caller-identity${profileFlag(e, t)}`],
          },
  },
  {
    id: 'identity/credentials-invalid',
    severity: 'error',
    title: 'AWS credentials are not valid',
    explain: 'STS does not recognise the access key (InvalidClientTokenId) or the secret does not match it (SignatureDoesNotMatch): the key was deleted, deactivated or mistyped.',
    docs: [DOCS.awsCliConfigFiles, DOCS.securityIamTroubleshoot],
    rootCause: true,
    explains: ['identity/token-generation-failed', 'kube/unauthorized'],
    message: (e) => `AWS rejects the credentials${e.profile ? ` of profile "${e.profile}"` : ''} (${str(e, 'code', 'invalid')})`,
    detail: (e) => str(e, 'message', ''),
    fix: (e, t) => ({ summary: 'Replace the access key with an active one.', commands: [`aws configure${profileFlag(e, t)}`, `aws sts get-caller-identity${profileFlag(e, t)}`] }),
  },
  {
    id: 'identity/assume-role-failed',
    severity: 'error',
    title: 'The exec plugin cannot assume its --role-arn',
    explain: 'The kubeconfig asks the exec plugin to assume a role (--role-arn) before making the token; STS refused it, usually because the role\'s trust policy does not allow your principal or you lack sts:AssumeRole.',
    docs: [DOCS.securityIamTroubleshoot, DOCS.createKubeconfig],
    rootCause: true,
    explains: ['identity/token-generation-failed', 'kube/unauthorized'],
    message: (e) => `Cannot assume ${str(e, 'roleArn')}${e.callerArn ? ` as ${e.callerArn}` : ''}`,
    detail: (e) => str(e, 'message', ''),
    fix: (e, t) => {
      const role = str(e, 'roleArn').split('/').pop();
      return {
        summary: `Allow ${str(e, 'callerArn', 'your principal')} in the trust policy of ${str(e, 'roleArn')} (and sts:AssumeRole in its own policy), or drop --role-arn.`,
        commands: [`aws iam get-role --role-name ${shq(role ?? '<role>')} --query Role.AssumeRolePolicyDocument`, `aws sts assume-role --role-arn ${shq(str(e, 'roleArn'))} --role-session-name eksdoctor-test${profileFlag(e, t)}`],
      };
    },
  },
  {
    id: 'identity/exec-identity-differs',
    severity: 'warning',
    title: "kubectl's token carries another principal than your shell",
    explain: 'The exec plugin runs with its own environment (env: AWS_PROFILE in the kubeconfig, --profile, --role-arn), so the principal inside the token kubectl sends can differ from what `aws sts get-caller-identity` shows in your shell. The cluster sees the token\'s principal.',
    docs: [DOCS.createKubeconfig, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    message: (e) => `kubectl presents ${str(e, 'execArn')}, your shell is ${str(e, 'sdkArn')}`,
    detail: (e) => `The kubeconfig's exec plugin${e.execProfile ? ` uses profile "${e.execProfile}"` : ''}; the cluster will authenticate ${str(e, 'execPrincipalArn', str(e, 'execArn'))}.`,
    fix: (e, t) => ({
      summary: 'Make the kubeconfig use the principal you intend (regenerate it with that profile or role), or map the principal kubectl presents.',
      commands: [`aws sts get-caller-identity${profileFlag(e, t)}`, updateKubeconfigCommand(t, { profile: e.sdkProfile })],
    }),
  },
  {
    id: 'identity/account-mismatch',
    severity: 'warning',
    title: 'Your principal is in another AWS account than the cluster',
    explain: 'The principal comes from another account than the cluster. That works only if it is explicitly mapped (an access entry or aws-auth line with the full ARN); more often the wrong profile is in use.',
    docs: [DOCS.accessEntries, DOCS.awsCliConfigFiles],
    rootCause: true,
    message: (e) => `Principal account ${str(e, 'identityAccount')} differs from cluster account ${str(e, 'clusterAccount')}`,
    fix: (e, t) => ({
      summary: 'Use a profile or role of the cluster\'s account, then regenerate the kubeconfig with it.',
      commands: ['aws configure list-profiles', updateKubeconfigCommand(t, e)],
    }),
  },
  {
    id: 'identity/token-generation-failed',
    severity: 'error',
    title: 'The exec plugin failed to produce a token',
    explain: 'kubectl runs the exec plugin for every request; when it exits with an error, times out or prints something that is not an ExecCredential, kubectl fails with "getting credentials: exec: …" and never reaches the cluster.',
    docs: [DOCS.credentialPlugins, DOCS.createKubeconfig],
    rootCause: true,
    explains: ['kube/unauthorized'],
    message: (e) => `The exec plugin ${str(e, 'command')} failed: ${str(e, 'problem')}`,
    detail: (e) => str(e, 'message', ''),
    fix: (e, t) => ({ summary: 'Run the plugin by hand to see its full error, and fix what it says (credentials, profile, region).', commands: [getTokenCommand(e, t)] }),
  },
  {
    id: 'identity/token-expired',
    severity: 'error',
    title: 'The bearer token has expired',
    explain: 'An EKS token is a presigned STS request valid for 15 minutes after its X-Amz-Date; the authenticator answers "X-Amz-Date parameter is expired (15 minute expiration)" and the API server 401.',
    docs: [DOCS.createKubeconfig, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    explains: ['kube/unauthorized'],
    message: (e) => `The token was signed at ${str(e, 'signedAt')} and expired at ${str(e, 'expiresAt')}`,
    fix: (e, t) => ({ summary: 'Let kubectl make a fresh token for every call through the exec plugin.', commands: [updateKubeconfigCommand(t, e)] }),
  },
];
