/**
 * Rules about the aws-iam-authenticator's own verdicts (CloudWatch Logs) and whether they are logged.
 *
 * Evidence read here (set by the logs and cluster checks):
 * - logs/access-denied: `arn?` (from the line), `principalArn?` (full IAM ARN, with path), `reason`
 *   (DenialReason), `error`, `time` (ISO), `authenticationMode?`, `groups?` (string[]), `attributed?` (false
 *   for a token rejection that carries no ARN), `count?`
 * - logs/access-granted: `arn`, `username`, `groups` (string[]), `time`
 * - logs/no-events: `principalArn`, `since` (e.g. `1h`), `method`, `incomplete?`
 * - logs/not-enabled: `groupExists` (boolean)
 * - logs/query-denied: `actions` (string[]), `callerArn?`
 * - cluster/authenticator-logging-disabled: `enabledTypes?` (string[])
 */
import { accessEntryCommands, shq, updateKubeconfigCommand } from './commands.js';
import { DOCS } from './docs.js';
import { str, type Evidence, type Fix, type Rule, type Target } from './types.js';


const REASON_TEXT: Record<string, string> = {
  'not-mapped': 'the principal is not mapped to any Kubernetes identity',
  'token-expired': 'the token had expired',
  'token-malformed': 'the token was malformed',
  'wrong-cluster': 'the token was signed for another cluster name',
  'sts-error': 'STS rejected the credentials inside the token',
  other: 'the authenticator reported an error',
};

function partitionOf(region: string | undefined): string {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function profileFlag(t: Target): string {
  return t.profile ? ` --profile ${shq(t.profile)}` : '';
}


/** aws-auth matches a role by its path-less ARN (pkg/arn canonicalization); access entries want the full ARN. */
function withoutRolePath(arn: string): string {
  return arn.replace(/^(arn:[^:]*:iam::\d*:role\/)(?:.*\/)?([^/]+)$/, '$1$2');
}

function groupsOf(e: Evidence): string[] {
  const g = e.groups;
  return Array.isArray(g) ? g.filter((x): x is string => typeof x === 'string') : [];
}

function mapPrincipalFix(e: Evidence, t: Target): Fix {
  const principal = str(e, 'principalArn', str(e, 'arn', '<principal-arn>'));
  const region = t.region ?? '<region>';
  const cluster = t.cluster ?? '<cluster>';
  const mode = str(e, 'authenticationMode', '');
  if (mode === 'CONFIG_MAP') {
    const isRole = /:role\//.test(principal);
    const name = principal.split('/').pop() ?? 'user';
    const group = groupsOf(e)[0] ?? '<kubernetes-group>';
    return {
      summary:
        `Map ${principal} in the aws-auth ConfigMap (the cluster is in CONFIG_MAP mode), as someone who can already edit it. ` +
        `Add under ${isRole ? 'mapRoles' : 'mapUsers'}: ${isRole ? 'rolearn' : 'userarn'}: ${isRole ? withoutRolePath(principal) : principal}, ` +
        `username: ${name}, groups: [${group}] — a role ARN without its path, and a group that RBAC binds to what this principal needs.`,
      commands: [
        `eksctl create iamidentitymapping --cluster ${cluster} --region ${region} --arn ${isRole ? withoutRolePath(principal) : principal} --username ${name} --group ${group}`,
        'kubectl edit configmap aws-auth -n kube-system',
      ],
    };
  }
  return {
    summary:
      `Give ${principal} an access entry (full IAM ARN, path included), as a cluster admin. The policy below grants read-only ` +
      `access; choose AmazonEKSEditPolicy, AmazonEKSAdminPolicy or AmazonEKSClusterAdminPolicy if it needs more.` +
      (mode === '' ? ' If the cluster is in CONFIG_MAP mode, map it in the aws-auth ConfigMap instead.' : ''),
    commands: accessEntryCommands(t, principal, 'AmazonEKSViewPolicy'),
  };
}

function tokenFix(e: Evidence, t: Target): Fix {
  const reason = str(e, 'reason', 'other');
  const error = str(e, 'error', '');
  const region = t.region ?? '<region>';
  const cluster = t.cluster ?? '<cluster>';
  const whoami = `aws sts get-caller-identity${profileFlag(t)}`;
  switch (reason) {
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
          `for ${cluster}. Regenerate the kubeconfig entry so that get-token uses --cluster-name ${cluster}.`,
        commands: [updateKubeconfigCommand(t), `aws eks get-token --region ${region} --cluster-name ${cluster}${profileFlag(t)} --output json`],
      };
    case 'token-malformed':
      return {
        summary: `The authenticator could not use the token (${error}). Regenerate the kubeconfig entry so kubectl sends a token from \`aws eks get-token\`.`,
        commands: [updateKubeconfigCommand(t)],
      };
    case 'sts-error':
      return {
        summary: `STS refused the credentials that signed the token (${error}). Check that they are valid and active, then regenerate the kubeconfig entry.`,
        commands: [whoami, updateKubeconfigCommand(t)],
      };
    default:
      return {
        summary: `The authenticator refused the request: ${error}. Read the full authenticator lines around that time.`,
        commands: [
          `aws logs filter-log-events --region ${region} --log-group-name /aws/eks/${cluster}/cluster --log-stream-name-prefix authenticator --filter-pattern '"access denied"'`,
        ],
      };
  }
}

const ENABLE_AUTHENTICATOR_LOGS = (t: Target): Fix => ({
  summary:
    'Turn on the authenticator control-plane log type. This changes the cluster (eksdoctor never runs it; run it yourself ' +
    'if you want these logs), and CloudWatch Logs ingestion and storage are charged.',
  commands: [
    `aws eks update-cluster-config --region ${t.region ?? '<region>'} --name ${t.cluster ?? '<cluster>'} --logging '{"clusterLogging":[{"types":["authenticator"],"enabled":true}]}'`,
  ],
});

export const logsRules: Rule[] = [
  {
    id: 'logs/access-denied',
    severity: 'error',
    title: 'The authenticator denied the principal',
    explain:
      'The aws-iam-authenticator of the cluster logged "access denied" for this principal: it is the cluster\'s own verdict and ' +
      'its reason. "identity is not mapped" (older servers: "ARN is not mapped") means the token was valid but no access entry ' +
      'or aws-auth mapping names the principal; "input token was not properly formatted" and "sts getCallerIdentity failed" ' +
      'mean the token itself was refused (expired, malformed, signed for another cluster, or bad credentials).',
    docs: [DOCS.troubleshootingUnauthorized, DOCS.unauthorizedKnowledgeCenter, DOCS.controlPlaneLogs],
    rootCause: true,
    explains: ['kube/unauthorized'],
    message(e) {
      const who = typeof e.arn === 'string' && e.arn ? e.arn : 'a token';
      return `The authenticator denied ${who} at ${str(e, 'time', 'an unknown time')}: ${REASON_TEXT[str(e, 'reason', 'other')] ?? REASON_TEXT.other}`;
    },
    detail(e) {
      const count = typeof e.count === 'number' && e.count > 1 ? ` (${e.count} denials in the window)` : '';
      const attribution =
        e.attributed === false
          ? ' This line carries no ARN: the authenticator rejects a bad token before it knows who sent it, so it is matched to you by time only.'
          : '';
      return `Authenticator error: "${str(e, 'error', '')}"${count}.${attribution}`;
    },
    fix(e, t) {
      return str(e, 'reason', 'other') === 'not-mapped' ? mapPrincipalFix(e, t) : tokenFix(e, t);
    },
  },
  {
    id: 'logs/access-granted',
    severity: 'info',
    title: 'The authenticator granted the principal',
    explain: 'The authenticator logged "access granted" for this principal, with the Kubernetes username and groups it mapped to.',
    docs: [DOCS.controlPlaneLogs],
    rootCause: false,
    message(e) {
      const groups = groupsOf(e);
      return (
        `The authenticator granted ${str(e, 'arn')} as ${str(e, 'username')}` +
        `${groups.length ? ` (groups ${groups.join(', ')})` : ' (no groups)'} at ${str(e, 'time', 'an unknown time')}`
      );
    },
  },
  {
    id: 'logs/no-events',
    severity: 'info',
    title: 'No authenticator events for the principal',
    explain:
      'The authenticator logged nothing about this principal in the window searched: its requests did not reach the ' +
      'cluster (wrong endpoint, network), or were made before the window, or with another identity.',
    docs: [DOCS.controlPlaneLogs],
    rootCause: false,
    message(e) {
      const partial = e.incomplete === true ? ' (search cut short)' : '';
      return `No authenticator events for ${str(e, 'principalArn')} in the last ${str(e, 'since')}${partial}`;
    },
  },
  {
    id: 'logs/not-enabled',
    severity: 'warning',
    title: 'No authenticator logs in CloudWatch',
    explain:
      'The cluster\'s log group /aws/eks/<cluster>/cluster, or its authenticator-* streams, do not exist: the ' +
      'authenticator\'s verdicts (who was denied and why) cannot be read. Authenticator logging is off, was only just ' +
      'turned on, or the group was deleted.',
    docs: [DOCS.controlPlaneLogs],
    rootCause: false,
    message(e, t) {
      const group = `/aws/eks/${t.cluster ?? '<cluster>'}/cluster`;
      return e.groupExists === true ? `Log group ${group} has no authenticator streams` : `Log group ${group} does not exist`;
    },
    fix: (_e, t) => ENABLE_AUTHENTICATOR_LOGS(t),
  },
  {
    id: 'logs/query-denied',
    severity: 'warning',
    title: 'Not allowed to read the authenticator logs',
    explain:
      'The credentials eksdoctor runs with may not read the cluster\'s CloudWatch Logs, so the authenticator\'s own verdict ' +
      'could not be checked. The rest of the diagnosis still ran.',
    docs: [DOCS.logsIam, DOCS.controlPlaneLogs],
    rootCause: false,
    message(e) {
      const actions = Array.isArray(e.actions) ? e.actions.filter((a): a is string => typeof a === 'string') : [];
      return `Not allowed to read the authenticator logs${actions.length ? ` (${actions.join(', ')} denied)` : ''}`;
    },
    fix(e, t) {
      const partition = partitionOf(t.region);
      const region = t.region ?? '<region>';
      const account = t.accountId ?? '<account-id>';
      const groupArn = `arn:${partition}:logs:${region}:${account}:log-group:/aws/eks/${t.cluster ?? '<cluster>'}/cluster:*`;
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
      const caller = str(e, 'callerArn', '');
      const role = /:role\/(?:.*\/)?([^/]+)$/.exec(caller)?.[1];
      const user = /:user\/(?:.*\/)?([^/]+)$/.exec(caller)?.[1];
      const attach = role
        ? `aws iam put-role-policy --role-name ${role} --policy-name eksdoctor-read-authenticator-logs --policy-document '${policy}'`
        : user
          ? `aws iam put-user-policy --user-name ${user} --policy-name eksdoctor-read-authenticator-logs --policy-document '${policy}'`
          : `# attach to the principal eksdoctor runs as: ${policy}`;
      return {
        summary: `Allow reading ${groupArn} (an IAM admin runs this; it changes IAM, not the cluster).`,
        commands: [attach],
      };
    },
  },
  {
    id: 'cluster/authenticator-logging-disabled',
    severity: 'warning',
    title: 'Authenticator logging is disabled',
    explain:
      'The cluster does not send the authenticator control-plane log type to CloudWatch Logs, so when access is denied ' +
      'nobody can read the authenticator\'s reason ("identity is not mapped", an expired or malformed token, …).',
    docs: [DOCS.controlPlaneLogs],
    rootCause: false,
    message(e, t) {
      const types = Array.isArray(e.enabledTypes) ? e.enabledTypes.filter((x): x is string => typeof x === 'string') : [];
      return `Authenticator logging is disabled on ${t.cluster ?? 'the cluster'}${types.length ? ` (enabled: ${types.join(', ')})` : ''}`;
    },
    fix: (_e, t) => ENABLE_AUTHENTICATOR_LOGS(t),
  },
];
