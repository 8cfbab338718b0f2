/** Rules about the aws-iam-authenticator's own verdicts (CloudWatch Logs). */
import { parseArn } from '../facts/arn.js';
import type { DenialReason } from '../facts/authenticator-log.js';
import { enableLogTypeCommand } from './cluster.js';
import { accessEntryCommands, accessEntryPlaceholders, clusterOf, partitionOf, profileFlag, regionOf, shq, updateKubeconfigCommand } from './commands.js';
import { DOCS } from './docs.js';
import type { AuthenticationMode } from './evidence.js';
import { rule, type Fix, type Target } from './rule.js';

const REASON_TEXT: Record<DenialReason, string> = {
  'not-mapped': 'the principal is not mapped to any Kubernetes identity',
  'token-expired': 'the token had expired',
  'token-malformed': 'the token was malformed',
  'wrong-cluster': 'the token was signed for another cluster name',
  'sts-error': 'STS rejected the credentials inside the token',
  other: 'the authenticator reported an error',
};

interface AccessDenied {
  /** The ARN on the line; absent for a token rejection, which the authenticator logs before it knows who sent it. */
  arn?: string;
  principalArn: string;
  reason: DenialReason;
  error?: string;
  time: string;
  authenticationMode?: AuthenticationMode;
  count: number;
}

/** aws-auth matches a role by its path-less ARN (pkg/arn canonicalization); access entries want the full ARN. */
function withoutRolePath(arn: string): string {
  return arn.replace(/^(arn:[^:]*:iam::\d*:role\/)(?:.*\/)?([^/]+)$/, '$1$2');
}

function mapPrincipalFix(e: AccessDenied, t: Target): Fix {
  const principal = e.principalArn;
  if (e.authenticationMode === 'CONFIG_MAP') {
    const isRole = /:role\//.test(principal);
    const name = principal.split('/').pop() ?? 'user';
    return {
      summary:
        `Map ${principal} in the aws-auth ConfigMap (the cluster is in CONFIG_MAP mode), as someone who can already edit it: ` +
        `${isRole ? 'a role ARN without its path, ' : ''}with a group that RBAC binds to what this principal needs (KUBERNETES_GROUP below).`,
      commands: [`eksctl create iamidentitymapping --cluster ${clusterOf(t)} --region ${regionOf(t)} --arn ${shq(isRole ? withoutRolePath(principal) : principal)} --username ${shq(name)} --group "$KUBERNETES_GROUP"`],
    };
  }
  return {
    summary:
      `Give ${principal} an access entry (full IAM ARN, path included), as a cluster admin. The policy below grants read-only ` +
      `access; choose AmazonEKSEditPolicy, AmazonEKSAdminPolicy or AmazonEKSClusterAdminPolicy if it needs more.` +
      (e.authenticationMode === undefined ? ' If the cluster is in CONFIG_MAP mode, map it in the aws-auth ConfigMap instead.' : ''),
    commands: accessEntryCommands(t, principal, 'AmazonEKSViewPolicy'),
    ...(accessEntryPlaceholders(principal) && { placeholders: accessEntryPlaceholders(principal) }),
  };
}

function tokenFix(e: AccessDenied, t: Target): Fix {
  const whoami = `aws sts get-caller-identity${profileFlag(t.profile)}`;
  switch (e.reason) {
    case 'token-expired':
      return {
        summary:
          'The token was older than 15 minutes when the cluster checked it, or the credentials that signed it had expired. ' +
          'kubectl gets a fresh token on every call when the kubeconfig runs `aws eks get-token`: regenerate the entry, refresh ' +
          'the credentials (e.g. `aws sso login`) and check that the local clock is right.',
        commands: [whoami, updateKubeconfigCommand(t)],
      };
    case 'wrong-cluster':
      return {
        summary:
          `The token was signed for another cluster name, so STS answered SignatureDoesNotMatch when the authenticator replayed it ` +
          `for ${t.cluster ?? 'this cluster'}. Regenerate the kubeconfig entry so that get-token uses the cluster's name.`,
        commands: [updateKubeconfigCommand(t)],
      };
    case 'token-malformed':
      return { summary: `The authenticator could not use the token (${e.error ?? 'malformed'}). Regenerate the kubeconfig entry so kubectl sends a token from \`aws eks get-token\`.`, commands: [updateKubeconfigCommand(t)] };
    case 'sts-error':
      return { summary: `STS refused the credentials that signed the token (${e.error ?? 'an STS error'}). Check that they are valid and active, then regenerate the kubeconfig entry.`, commands: [whoami, updateKubeconfigCommand(t)] };
    default:
      return {
        summary: `The authenticator refused the request: ${e.error ?? 'an unknown error'}. Read the full authenticator lines around that time.`,
        commands: [
          `aws logs filter-log-events --region ${regionOf(t)} --log-group-name ${shq(`/aws/eks/${t.cluster ?? '<cluster-name>'}/cluster`)} --log-stream-name-prefix authenticator --filter-pattern '"access denied"'`,
        ],
      };
  }
}

export const logsRules = {
  'logs/access-denied': rule({
    severity: 'error',
    title: 'The authenticator denied the principal',
    explain:
      'The aws-iam-authenticator of the cluster logged "access denied" for this principal: it is the cluster\'s own verdict and ' +
      'its reason. "identity is not mapped" (older servers: "ARN is not mapped") means the token was valid but no access entry ' +
      'or aws-auth mapping names the principal; "input token was not properly formatted" and "sts getCallerIdentity failed" ' +
      'mean the token itself was refused (expired, malformed, signed for another cluster, or bad credentials).',
    docs: [DOCS.troubleshootingUnauthorized, DOCS.unauthorizedKnowledgeCenter, DOCS.controlPlaneLogs],
    rootCause: true,
    example: { arn: 'arn:aws:iam::111122223333:role/eks-ci-runner', principalArn: 'arn:aws:iam::111122223333:role/eks-ci-runner', reason: 'not-mapped', error: 'identity is not mapped', time: '2026-11-24T02:48:00.000Z', authenticationMode: 'CONFIG_MAP', count: 3 },
    explains: ['kube/unauthorized'],
    message: (e: AccessDenied) => `The authenticator denied ${e.arn ?? 'a token'} at ${e.time}: ${REASON_TEXT[e.reason]}`,
    detail: (e) => `Authenticator error: "${e.error ?? ''}"${e.count > 1 ? ` (${e.count} denials in the window)` : ''}.`,
    fix: (e, t) => (e.reason === 'not-mapped' ? mapPrincipalFix(e, t) : tokenFix(e, t)),
  }),
  'logs/access-granted': rule({
    severity: 'info',
    title: 'The authenticator granted the principal',
    explain: 'The authenticator logged "access granted" for this principal, with the Kubernetes username and groups it mapped to.',
    docs: [DOCS.controlPlaneLogs],
    rootCause: false,
    example: { arn: 'arn:aws:iam::111122223333:role/dev', username: 'dev:alice', groups: ['dev-team'], time: '2026-11-24T02:48:00.000Z' },
    message: (e: { arn: string; username?: string; groups: string[]; time: string }) =>
      `The authenticator granted ${e.arn} as ${e.username ?? '(no username)'}${e.groups.length ? ` (groups ${e.groups.join(', ')})` : ' (no groups)'} at ${e.time}`,
  }),
  'logs/no-events': rule({
    severity: 'info',
    title: 'No authenticator events for the principal',
    explain:
      'The authenticator logged nothing about this principal in the window searched: its requests did not reach the ' +
      'cluster (wrong endpoint, network), or were made before the window, or with another identity.',
    docs: [DOCS.controlPlaneLogs],
    rootCause: false,
    example: { principalArn: 'arn:aws:iam::111122223333:role/dev', since: '1h', method: 'filter', incomplete: false },
    message: (e: { principalArn: string; since: string; method: 'filter' | 'insights'; incomplete: boolean }) =>
      `No authenticator events for ${e.principalArn} in the last ${e.since}${e.incomplete ? ' (search cut short)' : ''}`,
  }),
  'logs/not-enabled': rule({
    severity: 'warning',
    title: 'No authenticator logs in CloudWatch',
    explain:
      'The cluster\'s log group /aws/eks/<cluster>/cluster, or its authenticator-* streams, do not exist: the ' +
      'authenticator\'s verdicts (who was denied and why) cannot be read. Authenticator logging is off, was only just ' +
      'turned on, or the group was deleted.',
    docs: [DOCS.controlPlaneLogs],
    rootCause: false,
    example: { groupExists: false },
    message: (e: { groupExists: boolean }, t) => {
      const group = `/aws/eks/${t.cluster ?? '<cluster-name>'}/cluster`;
      return e.groupExists ? `Log group ${group} has no authenticator streams` : `Log group ${group} does not exist`;
    },
    fix: (_e, t) => ({
      summary: 'Turn on the authenticator log type (it changes the cluster, and CloudWatch Logs ingestion and storage are charged; eksdoctor never runs it). If it is on already, the first lines arrive within minutes.',
      commands: [enableLogTypeCommand(t, 'authenticator')],
    }),
  }),
  'logs/query-denied': rule({
    severity: 'warning',
    title: 'Not allowed to read the authenticator logs',
    explain:
      'The credentials eksdoctor runs with may not read the cluster\'s CloudWatch Logs, so the authenticator\'s own verdict ' +
      'could not be checked. The rest of the diagnosis still ran.',
    docs: [DOCS.logsIam, DOCS.controlPlaneLogs],
    rootCause: false,
    example: { actions: ['logs:FilterLogEvents', 'logs:StartQuery'], callerArn: 'arn:aws:iam::111122223333:role/ci' },
    message: (e: { actions: string[]; callerArn?: string }) => `Not allowed to read the authenticator logs${e.actions.length ? ` (${e.actions.join(', ')} denied)` : ''}`,
    fix: (e, t) => {
      const partition = partitionOf(t.region);
      const region = t.region ?? '<region>';
      const account = t.accountId ?? '<account-id>';
      const groupArn = `arn:${partition}:logs:${region}:${account}:log-group:/aws/eks/${t.cluster ?? '<cluster-name>'}/cluster:*`;
      // GetQueryResults takes only a query ID (no resource-level permission); DescribeLogGroups lists groups,
      // so it gets the account's group pattern rather than one group.
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['logs:StartQuery', 'logs:FilterLogEvents', 'logs:DescribeLogStreams'], Resource: groupArn },
          { Effect: 'Allow', Action: ['logs:DescribeLogGroups'], Resource: `arn:${partition}:logs:${region}:${account}:log-group:*` },
          { Effect: 'Allow', Action: ['logs:GetQueryResults'], Resource: '*' },
        ],
      });
      // put-role-policy takes the role's name: an STS session ARN names its role before the session.
      const caller = e.callerArn ? parseArn(e.callerArn) : undefined;
      const kind = caller?.kind === 'user' ? 'user' : 'role';
      const name = caller && (caller.kind === 'role' || caller.kind === 'assumed-role' || caller.kind === 'user') ? shq(caller.name) : '"$ROLE_NAME"';
      const admin = ' --profile "$IAM_ADMIN_PROFILE"';
      const placeholders: Record<string, string> = { IAM_ADMIN_PROFILE: 'an AWS profile allowed to change IAM policies (iam:PutRolePolicy / iam:PutUserPolicy)' };
      if (name === '"$ROLE_NAME"') placeholders.ROLE_NAME = 'the IAM role eksdoctor runs as';
      const sso = caller?.name.startsWith('AWSReservedSSO_');
      return {
        summary: sso
          ? `Allow reading ${groupArn}: the role belongs to an IAM Identity Center permission set, so add this policy to the permission set (IAM rejects changes to AWSReservedSSO_ roles).`
          : `Allow reading ${groupArn} (an IAM admin runs this; it changes IAM, not the cluster).`,
        commands: sso ? [] : [`aws iam put-${kind}-policy --${kind}-name ${name} --policy-name eksdoctor-read-authenticator-logs --policy-document ${shq(policy)}${admin}`],
        ...(!sso && { placeholders }),
      };
    },
  }),
};
