import { basename } from 'node:path';
import { profileFlag, shq, updateKubeconfigCommand } from './commands.js';
import { DOCS } from './docs.js';
import { rule, type Target } from './rule.js';

/** What the credential chain said, for the credential rules. */
interface CredentialFailure {
  profile?: string;
  /** The SDK or STS error code (`ExpiredToken`, `CredentialsProviderError`, …). */
  code: string;
  /** Redacted, one line. */
  message: string;
}

const getTokenCommand = (t: Target, e: { profile?: string; roleArn?: string }) =>
  `aws eks get-token --cluster-name ${shq(t.cluster ?? '<cluster-name>')} --region ${shq(t.region ?? '<region>')}${profileFlag(e.profile ?? t.profile)}${e.roleArn ? ` --role-arn ${shq(e.roleArn)}` : ''}`;

const ofProfile = (profile: string | undefined) => (profile ? ` of profile "${profile}"` : '');

export const identityRules = {
  'identity/no-credentials': rule({
    severity: 'error',
    title: 'No AWS credentials',
    explain:
      'The exec plugin signs its token with AWS credentials from the same chain the AWS CLI uses (profile, environment, SSO, web identity, container or instance metadata). None of them provided credentials, so no token can be made.',
    docs: [DOCS.awsCliConfigFiles, DOCS.createKubeconfig, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    example: { profile: 'prod-admin', code: 'CredentialsProviderError', message: 'Could not load credentials from any providers' },
    explains: ['identity/token-generation-failed', 'kube/unauthorized'],
    message: (e: CredentialFailure) => `No AWS credentials for ${e.profile ? `profile "${e.profile}"` : 'the default chain'}`,
    detail: (e) => e.message,
    fix: (e) => ({
      summary: 'Configure credentials for the profile the kubeconfig uses (or sign in with IAM Identity Center), then check who you are.',
      commands: [`aws configure${profileFlag(e.profile)}`, `aws sts get-caller-identity${profileFlag(e.profile)}`],
    }),
  }),
  'identity/credentials-expired': rule({
    severity: 'error',
    title: 'AWS credentials have expired',
    explain:
      'STS refuses expired temporary credentials (ExpiredToken), and an IAM Identity Center (SSO) session that has expired gives no credentials at all until you sign in again. Every token the exec plugin makes is then rejected.',
    docs: [DOCS.ssoUser, DOCS.awsCliConfigFiles, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    example: { profile: 'sso-dev', code: 'CredentialsProviderError', message: 'The SSO session associated with this profile has expired', sso: true },
    explains: ['identity/token-generation-failed', 'kube/unauthorized', 'identity/exec-identity-differs'],
    message: (e: CredentialFailure & { sso: boolean }) => (e.sso ? `The IAM Identity Center session${ofProfile(e.profile)} has expired` : `AWS credentials${ofProfile(e.profile)} have expired`),
    detail: (e) => e.message,
    fix: (e) =>
      e.sso
        ? { summary: 'Sign in again, then retry.', commands: [`aws sso login${profileFlag(e.profile)}`, `aws sts get-caller-identity${profileFlag(e.profile)}`] }
        : {
            summary: 'Get fresh credentials (re-run whatever exported them, or refresh the profile), then check who you are.',
            commands: [`aws configure list${profileFlag(e.profile)}`, `aws sts get-caller-identity${profileFlag(e.profile)}`],
          },
  }),
  'identity/credentials-invalid': rule({
    severity: 'error',
    title: 'AWS credentials are not valid',
    explain: 'STS does not recognise the access key (InvalidClientTokenId) or the secret does not match it (SignatureDoesNotMatch): the key was deleted, deactivated or mistyped.',
    docs: [DOCS.awsCliConfigFiles, DOCS.securityIamTroubleshoot],
    rootCause: true,
    example: { profile: 'default', code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' },
    explains: ['identity/token-generation-failed', 'kube/unauthorized'],
    message: (e: CredentialFailure) => `AWS rejects the credentials${ofProfile(e.profile)} (${e.code})`,
    detail: (e) => e.message,
    fix: (e) => ({ summary: 'Replace the access key with an active one.', commands: [`aws configure${profileFlag(e.profile)}`, `aws sts get-caller-identity${profileFlag(e.profile)}`] }),
  }),
  'identity/mfa-required': rule({
    severity: 'error',
    title: 'The profile needs an MFA code the exec plugin cannot ask for',
    explain:
      'The profile assumes its role with mfa_serial set, so the AWS CLI must prompt for a one-time code. kubectl runs the exec plugin without a terminal to type into, so no token can be made. Cache an MFA session first (aws sts get-session-token, or a credential helper), or use a profile without MFA for kubectl. Reconfiguring the profile with aws configure would not help and may overwrite its settings.',
    docs: [DOCS.awsCliConfigFiles, DOCS.credentialPlugins],
    rootCause: true,
    example: { profile: 'prod-admin' },
    explains: ['identity/token-generation-failed', 'kube/unauthorized'],
    message: (e: { profile: string; mfaSerial?: string; roleArn?: string }) => `Profile "${e.profile}" needs an MFA code${e.mfaSerial ? ` (${e.mfaSerial})` : ''}, which kubectl's exec plugin cannot prompt for`,
    fix: (e) => ({
      summary:
        'Run this once in a terminal: it asks for the MFA code and the AWS CLI caches the role session (~/.aws/cli/cache), which aws eks get-token then reuses without asking until it expires. Or give kubectl a profile without mfa_serial.',
      commands: [`aws sts get-caller-identity${profileFlag(e.profile)}`],
    }),
  }),
  'identity/assume-role-failed': rule({
    severity: 'error',
    title: 'The exec plugin cannot assume its --role-arn',
    explain:
      "The kubeconfig asks the exec plugin to assume a role (--role-arn) before making the token; STS refused it, usually because the role's trust policy does not allow your principal or you lack sts:AssumeRole.",
    docs: [DOCS.securityIamTroubleshoot, DOCS.createKubeconfig],
    rootCause: true,
    example: { profile: 'default', code: 'AccessDenied', message: 'User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole', roleArn: 'arn:aws:iam::111122223333:role/prod-admin', callerArn: 'arn:aws:iam::111122223333:user/alice' },
    explains: ['identity/token-generation-failed', 'kube/unauthorized'],
    message: (e: CredentialFailure & { roleArn: string; callerArn?: string }) => `Cannot assume ${e.roleArn}${e.callerArn ? ` as ${e.callerArn}` : ''}`,
    detail: (e) => e.message,
    fix: (e) => ({
      summary: `Allow ${e.callerArn ?? 'your principal'} in the trust policy of ${e.roleArn} (and sts:AssumeRole in its own policy), or drop --role-arn.`,
      commands: [
        `aws iam get-role --role-name ${shq(e.roleArn.split('/').pop() ?? '<role>')} --query Role.AssumeRolePolicyDocument`,
        `aws sts assume-role --role-arn ${shq(e.roleArn)} --role-session-name eksdoctor-test${profileFlag(e.profile)}`,
      ],
    }),
  }),
  'identity/exec-identity-differs': rule({
    severity: 'warning',
    title: "kubectl's token carries another principal than your shell",
    explain:
      "The exec plugin runs with its own environment (env: AWS_PROFILE in the kubeconfig, --profile, --role-arn), so the principal inside the token kubectl sends can differ from what `aws sts get-caller-identity` shows in your shell. The cluster sees the token's principal.",
    docs: [DOCS.createKubeconfig, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    example: { execArn: 'arn:aws:iam::111122223333:user/readonly', execPrincipalArn: 'arn:aws:iam::111122223333:user/readonly', sdkArn: 'arn:aws:iam::111122223333:user/alice', execProfile: 'readonly', sdkProfile: 'default' },
    message: (e: { execArn: string; execPrincipalArn: string; sdkArn: string; execProfile?: string; sdkProfile?: string }) => `kubectl presents ${e.execArn}, your shell is ${e.sdkArn}`,
    detail: (e) => `The kubeconfig's exec plugin${e.execProfile ? ` uses profile "${e.execProfile}"` : ''}; the cluster will authenticate ${e.execPrincipalArn}.`,
    fix: (e, t) => ({
      summary: `If you meant to be ${e.sdkArn} (your shell), make the kubeconfig run as it: regenerate the entry with your shell's ${e.sdkProfile ? `profile ${e.sdkProfile}` : 'default credentials'} instead of ${e.execProfile ? `profile ${e.execProfile}` : 'the plugin\'s'}. If ${e.execPrincipalArn} is meant, this is not the problem.`,
      commands: [updateKubeconfigCommand(t, { profile: e.sdkProfile })],
    }),
  }),
  'identity/account-mismatch': rule({
    severity: 'warning',
    title: 'Your principal is in another AWS account than the cluster',
    explain: 'The principal comes from another account than the cluster. That works only if it is explicitly mapped (an access entry or aws-auth line with the full ARN); more often the wrong profile is in use.',
    docs: [DOCS.accessEntries, DOCS.awsCliConfigFiles],
    rootCause: true,
    example: { identityAccount: '444455556666', clusterAccount: '111122223333', principalArn: 'arn:aws:iam::444455556666:role/ci' },
    message: (e: { identityAccount: string; clusterAccount: string; principalArn: string }) => `Principal account ${e.identityAccount} differs from cluster account ${e.clusterAccount}`,
    fix: (_e, t) => ({ summary: "Use a profile or role of the cluster's account, then regenerate the kubeconfig with it.", commands: ['aws configure list-profiles', updateKubeconfigCommand(t)] }),
  }),
  'identity/token-generation-failed': rule({
    severity: 'error',
    title: 'The exec plugin failed to produce a token',
    explain:
      'kubectl runs the exec plugin for every request; when it exits with an error, times out or prints something that is not an ExecCredential, kubectl fails with "getting credentials: exec: …" and never reaches the cluster.',
    docs: [DOCS.credentialPlugins, DOCS.createKubeconfig],
    rootCause: true,
    example: { command: 'aws', problem: 'exit', message: 'exec: executable aws failed with exit code 252: aws: error: unrecognized arguments: --clustername', exitCode: 252 },
    explains: ['kube/unauthorized'],
    message: (e: { command: string; problem: 'not-found' | 'timeout' | 'exit' | 'bad-output' | 'api-version-mismatch'; message: string; exitCode?: number; profile?: string; roleArn?: string }) =>
      `The exec plugin ${basename(e.command)} ${e.problem === 'exit' ? `exited ${e.exitCode ?? 'on a signal'}` : e.problem === 'timeout' ? 'did not finish in time' : 'printed no usable credential'}${pluginReason(e.message)}`,
    detail: (e) => e.message,
    fix: (e, t) => ({ summary: 'Run the plugin by hand to see its full error, and fix what it says (credentials, profile, region).', commands: [getTokenCommand(t, e)] }),
  }),
  'identity/token-expired': rule({
    severity: 'error',
    title: 'The bearer token has expired',
    explain: 'An EKS token is a presigned STS request valid for 15 minutes after its X-Amz-Date; the authenticator answers "X-Amz-Date parameter is expired (15 minute expiration)" and the API server 401.',
    docs: [DOCS.createKubeconfig, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    example: { signedAt: '2026-11-24T02:40:00.000Z', expiresAt: '2026-11-24T02:55:00.000Z' },
    explains: ['kube/unauthorized'],
    message: (e: { signedAt: string; expiresAt: string }) => `The token was signed at ${e.signedAt} and expired at ${e.expiresAt}`,
    fix: (_e, t) => ({ summary: 'Let kubectl make a fresh token for every call through the exec plugin.', commands: [updateKubeconfigCommand(t)] }),
  }),
  'identity/role-has-path': rule({
    severity: 'info',
    title: 'The role has an IAM path, which session ARNs drop',
    explain:
      "IAM returns the role's full ARN with its path (arn:aws:iam::111122223333:role/team/dev), but an assumed-role session ARN never carries the path, so the authenticator maps the path-less ARN: aws-auth must list the role without its path, while an access entry must name the full ARN.",
    docs: [DOCS.iamIdentifiers, DOCS.authConfigMap, DOCS.creatingAccessEntries],
    rootCause: false,
    example: { roleArn: 'arn:aws:iam::111122223333:role/team/dev', pathlessArn: 'arn:aws:iam::111122223333:role/dev', path: '/team/' },
    message: (e: { roleArn: string; pathlessArn: string; path: string }) => `Role ${e.roleArn} has the IAM path ${e.path}: aws-auth must list it as ${e.pathlessArn}, access entries need ${e.roleArn}`,
  }),
  'identity/not-iam-credential': rule({
    severity: 'info',
    title: 'The kubeconfig user does not authenticate as an IAM principal',
    explain:
      "The context's credential is not an EKS (IAM) token: a client certificate, a token file, a service-account or OIDC token, or an exec plugin that is not aws eks get-token. aws-auth and access entries do not apply to it; eksdoctor still checks the endpoint and what the API server answers to that credential.",
    docs: [DOCS.credentialPlugins, DOCS.kubeconfigFiles],
    // When the API server refuses such a credential, no access entry or aws-auth line is the cause: the credential is.
    rootCause: true,
    explains: ['kube/unauthorized'],
    example: { user: 'oidc-user', credential: 'exec-token' },
    message: (e: { user: string; credential: 'client-certificate' | 'token-file' | 'static-token' | 'exec-token' | 'exec-client-certificate' | 'none' }) =>
      `User "${e.user}" authenticates with ${CREDENTIAL_TEXT[e.credential]}, not an IAM identity`,
    fix: (_e, t) => ({
      summary:
        'No access entry or aws-auth line can fix a credential that is not an IAM identity: get a valid one from whoever issued it, or let kubectl authenticate as an IAM principal through aws eks get-token (this rewrites the kubeconfig user).',
      commands: [updateKubeconfigCommand(t)],
    }),
  }),
};

const CREDENTIAL_TEXT = {
  'client-certificate': 'a client certificate',
  'token-file': 'a token file',
  'static-token': 'a bearer token that is not an EKS token',
  'exec-token': 'an exec plugin token that is not an EKS token',
  'exec-client-certificate': 'a client certificate from its exec plugin',
  none: 'no credential at all',
} as const;

/**
 * What the plugin said, not kubectl's wrapper around it: `exec: executable aws failed with exit code
 * 255: …\nAn error occurred (AccessDenied) …` reads as `: An error occurred (AccessDenied) …`, the first
 * line that names an error, else the first line of its output.
 */
export function pluginReason(message: string): string {
  const said = message.replace(/^exec: executable \S+ (?:failed with exit code \S+|did not finish within \d+ ms)(?:: )?/, '');
  const lines = said.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const line = lines.find((l) => /error|denied|expired|invalid|unrecognized|not found|unable|could not|no such/i.test(l)) ?? lines[0];
  if (line === undefined) return '';
  return `: ${line.length > 160 ? `${line.slice(0, 160)}…` : line}`;
}
