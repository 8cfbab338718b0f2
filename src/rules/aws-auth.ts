import { parseArn } from '../facts/arn.js';
import { accessEntryCommands, contextFlag, shq, updateKubeconfigCommand } from './commands.js';
import { DOCS } from './docs.js';
import { str, type Evidence, type Fix, type Rule, type Target } from './types.js';

const KUBECTL_EDIT = (t: Target) => `kubectl edit configmap aws-auth -n kube-system${contextFlag(t)}`;

/** `mapRoles line 12` or `aws-auth.yaml:12 (mapRoles)`: where the evidence points. */
function where(e: Evidence): string {
  const line = typeof e.line === 'number' ? e.line : undefined;
  const section = typeof e.section === 'string' ? e.section : 'aws-auth';
  if (typeof e.file === 'string' && e.file !== '') return `${e.file}${line !== undefined ? `:${line}` : ''} (${section})`;
  return line !== undefined ? `${section} line ${line}` : section;
}

const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.map(String).join(', ') : '(none)');
const cluster = (t: Target) => shq(t.cluster ?? '<cluster-name>');
const region = (t: Target) => shq(t.region ?? '<region>');

/** Commands that apply an edited aws-auth: re-lint and apply the file, or edit the ConfigMap in place. */
function applyEdit(e: Evidence, t: Target): string[] {
  if (typeof e.file === 'string' && e.file !== '' && e.file !== '-') return [`eksdoctor lint ${shq(e.file)}`, `kubectl apply -f ${shq(e.file)}${contextFlag(t)}`];
  return [KUBECTL_EDIT(t)];
}

function eksctlMapping(t: Target, arn: string, username: string | undefined, groups: string[]): string {
  const parts = ['eksctl create iamidentitymapping', `--cluster ${cluster(t)}`, `--region ${region(t)}`, `--arn ${shq(arn)}`];
  if (username) parts.push(`--username ${shq(username)}`);
  for (const g of groups) parts.push(`--group ${shq(g)}`);
  return parts.join(' ');
}

/**
 * Access entry + cluster-admin policy. Identity Center roles need their full ARN with the
 * `aws-reserved/…` path in access entries (SPEC §9), which the canonical ARN lacks: look it up.
 */

/** Moving an entry to the section its kind belongs in: edit the file, or remap with eksctl on the cluster. */
function moveSectionFix(e: Evidence, t: Target, from: 'mapRoles' | 'mapUsers', to: 'mapRoles' | 'mapUsers'): Fix {
  const [fromKey, toKey] = to === 'mapRoles' ? ['userarn', 'rolearn'] : ['rolearn', 'userarn'];
  if (typeof e.file === 'string') return { summary: `Move the entry at ${where(e)} to ${to} and rename ${fromKey} to ${toKey}.`, commands: applyEdit(e, t) };
  const groups = Array.isArray(e.groups) ? e.groups.map(String) : [];
  const username = typeof e.username === 'string' ? e.username : undefined;
  return {
    summary: `Move ${str(e, 'arn')} from ${from} to ${to}.`,
    commands: [
      `eksctl delete iamidentitymapping --cluster ${cluster(t)} --region ${region(t)} --arn ${shq(str(e, 'arn'))}`,
      eksctlMapping(t, to === 'mapRoles' ? str(e, 'suggestedArn', str(e, 'arn')) : str(e, 'arn'), username, groups),
    ],
  };
}

/** A readable Kubernetes username for a principal: `<role>:{{SessionName}}` for roles, the user name for users. */
function suggestedUsername(arn: string): string {
  const p = parseArn(arn);
  if (!p) return 'admin';
  return p.kind === 'role' ? `${p.name}:{{SessionName}}` : p.name;
}

function adminArns(e: Evidence): string[] {
  if (!Array.isArray(e.admins)) return [];
  return e.admins
    .map((a) => (typeof a === 'string' ? a : typeof a === 'object' && a !== null && typeof (a as { arn?: unknown }).arn === 'string' ? (a as { arn: string }).arn : undefined))
    .filter((a): a is string => a !== undefined);
}

/** Replace-the-ARN fix shared by the rules whose entry can never match as written. */
function replaceArnFix(e: Evidence, t: Target, why: string): Fix {
  const suggested = str(e, 'suggestedArn');
  return {
    summary: `In ${where(e)}, replace ${str(e, 'arn')} with ${suggested}${why ? ` (${why})` : ''}.`,
    commands: applyEdit(e, t),
  };
}

export const awsAuthRules: Rule[] = [
  {
    id: 'aws-auth/not-found',
    severity: 'warning',
    title: 'There is no aws-auth ConfigMap',
    explain:
      'In authentication modes CONFIG_MAP and API_AND_CONFIG_MAP the cluster maps IAM principals to Kubernetes users through the ConfigMap aws-auth in kube-system. Without it only the cluster creator (and, in API_AND_CONFIG_MAP, principals with access entries) can authenticate, and nodes whose role is not mapped cannot join.',
    docs: [DOCS.authConfigMap, DOCS.accessEntries, DOCS.migratingAccessEntries],
    rootCause: true,
    message: () => 'ConfigMap kube-system/aws-auth does not exist',
    detail: (e) => `Authentication mode: ${str(e, 'authenticationMode', 'unknown')}.`,
    fix: (e, t) => {
      const principal = typeof e.principalArn === 'string' ? e.principalArn : '<principal-arn>';
      if (e.authenticationMode === 'API_AND_CONFIG_MAP') {
        return { summary: `Give ${principal} an access entry (access entries replace aws-auth).`, commands: accessEntryCommands(t, principal) };
      }
      return {
        summary: `Create the mapping with eksctl (it creates aws-auth), or switch the cluster to access entries (a one-way change to API_AND_CONFIG_MAP) and create one for ${principal}.`,
        commands: [
          eksctlMapping(t, principal, suggestedUsername(principal), ['system:masters']),
          `aws eks update-cluster-config --name ${cluster(t)} --region ${region(t)} --access-config authenticationMode=API_AND_CONFIG_MAP`,
        ],
      };
    },
  },
  {
    id: 'aws-auth/unreadable',
    severity: 'info',
    title: 'The aws-auth ConfigMap could not be read',
    explain:
      'Reading kube-system/aws-auth needs a Kubernetes identity that may get ConfigMaps in kube-system. Without it the mappings cannot be checked from here; an admin can export the ConfigMap and lint it offline.',
    docs: [DOCS.authConfigMap, DOCS.rbac],
    rootCause: false,
    message: (e) => `Cannot read ConfigMap kube-system/aws-auth${typeof e.status === 'number' || typeof e.status === 'string' ? ` (${str(e, 'status')})` : ''}`,
    detail: (e) => `${str(e, 'reason', 'The request was refused or failed.')}`,
    fix: (_e, t) => ({
      summary: 'Check whether you may read it, or ask an admin for the file and lint it with --aws-auth-file.',
      commands: [
        `kubectl auth can-i get configmap/aws-auth -n kube-system${contextFlag(t)}`,
        `kubectl get configmap aws-auth -n kube-system -o yaml${contextFlag(t)} > aws-auth.yaml`,
        'eksdoctor lint aws-auth.yaml',
      ],
    }),
  },
  {
    id: 'aws-auth/invalid-yaml',
    severity: 'error',
    title: 'aws-auth has malformed content the authenticator drops',
    explain:
      'aws-iam-authenticator parses mapRoles, mapUsers and mapAccounts separately. A YAML error in one of them drops that whole section (every mapping in it stops working) while the others still load; an entry without rolearn/userarn is dropped; a field of the wrong type (groups written as a string) is ignored.',
    docs: [DOCS.authConfigMap, DOCS.troubleshootingUnauthorized],
    rootCause: true,
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e) => `${where(e)}: ${str(e, 'reason', 'invalid YAML')}`,
    detail: (e) =>
      e.dropped === 'section'
        ? `Every mapping in ${str(e, 'section')} is ignored until this is fixed.`
        : e.dropped === 'entry'
          ? 'This entry is ignored; the rest of the section still loads.'
          : typeof e.arn === 'string'
            ? `The value is ignored; ${e.arn} is still mapped without it.`
            : 'The authenticator cannot use this file as it is.',
    fix: (e, t) => ({
      summary:
        e.dropped === 'section'
          ? `Fix the YAML of ${str(e, 'section')} at ${where(e)}: indent with spaces only, one \`- rolearn:\`/\`- userarn:\` mapping per entry with username and a groups list.`
          : e.dropped === 'entry'
            ? `Give the entry at ${where(e)} its ${e.section === 'mapUsers' ? 'userarn' : 'rolearn'}, or delete it.`
            : `Correct ${where(e)}: ${str(e, 'reason', 'invalid YAML')}.`,
      commands: applyEdit(e, t),
    }),
  },
  {
    id: 'aws-auth/unknown-key',
    severity: 'warning',
    title: 'aws-auth has a key the authenticator ignores',
    explain:
      'Only the data keys mapRoles, mapUsers and mapAccounts are read, and they are case-sensitive: maproles or MapRoles is silently ignored, and so is every mapping under it. Inside an entry, fields other than rolearn/userarn, username and groups (e.g. group or roleArn2) are ignored too.',
    docs: [DOCS.authConfigMap],
    rootCause: true,
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e) => `${where(e)}: "${str(e, 'key')}" is ignored by the authenticator${typeof e.suggestedKey === 'string' ? ` (did you mean "${e.suggestedKey}"?)` : ''}`,
    detail: (e) => (e.section === 'data' ? 'Nothing under this key is mapped.' : `The entry is read without this field${typeof e.entry === 'number' ? ` (entry ${e.entry})` : ''}.`),
    fix: (e, t) => ({
      summary: typeof e.suggestedKey === 'string' ? `Rename "${str(e, 'key')}" to "${e.suggestedKey}" in ${where(e)}.` : `Remove or rename "${str(e, 'key')}" in ${where(e)}.`,
      commands: applyEdit(e, t),
    }),
  },
  {
    id: 'aws-auth/invalid-arn',
    severity: 'error',
    title: 'aws-auth ARN that can never match',
    explain:
      'The authenticator compares the caller\'s canonical ARN (arn:PARTITION:iam::ACCOUNT:role/NAME or user/NAME) with each rolearn/userarn as a plain, case-insensitive string. A malformed ARN, a wildcard (not supported), an unknown partition or an ARN that is not an IAM user or role never matches anyone.',
    docs: [DOCS.authConfigMap],
    rootCause: true,
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e) => {
      const why: Record<string, string> = {
        wildcard: 'wildcards are not supported',
        malformed: 'it is not a valid ARN',
        partition: `partition "${str(e, 'partition')}" is not an AWS partition`,
        'not-a-principal': 'it is not an IAM user or role',
      };
      return `${where(e)}: ${str(e, 'arn')} never matches (${why[str(e, 'reason', '')] ?? 'invalid ARN'})`;
    },
    fix: (e, t) => ({
      summary: `Write the exact ARN of an IAM role (arn:aws:iam::ACCOUNT:role/NAME) or user in ${where(e)}; list one entry per role instead of a wildcard.`,
      commands: applyEdit(e, t),
    }),
  },
  {
    id: 'aws-auth/role-arn-has-path',
    severity: 'error',
    title: 'aws-auth role ARN includes a path',
    explain:
      'A role session ARN (arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION) never carries the role\'s path, so the authenticator matches the role as arn:aws:iam::ACCOUNT:role/NAME. An aws-auth rolearn written with its path (role/team/NAME, or role/aws-reserved/sso.amazonaws.com/… for IAM Identity Center) never matches. Map it without the path. Access entries are the opposite: they take the full ARN with the path.',
    docs: [DOCS.authConfigMap, DOCS.ssoUser, DOCS.unauthorizedKnowledgeCenter],
    rootCause: true,
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e) => `${where(e)}: role ARN has path ${str(e, 'path', '')} and never matches; use ${str(e, 'suggestedArn')}`,
    detail: (e) =>
      `The authenticator sees this role as ${str(e, 'suggestedArn')}.${e.sso === true ? ' This is an IAM Identity Center (SSO) permission-set role.' : ''}`,
    fix: (e, t) => {
      const fix = replaceArnFix(e, t, 'the authenticator drops role paths');
      if (typeof e.file !== 'string' && (e.authenticationMode === 'API_AND_CONFIG_MAP' || e.authenticationMode === 'API')) {
        return { summary: `${fix.summary} Or give the role an access entry with its full ARN (path included).`, commands: [...fix.commands, ...accessEntryCommands(t, str(e, 'arn'))] };
      }
      return fix;
    },
  },
  {
    id: 'aws-auth/assumed-role-arn',
    severity: 'error',
    title: 'aws-auth maps an STS session ARN',
    explain:
      'arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION is one session of a role. The authenticator converts every session to the role ARN arn:aws:iam::ACCOUNT:role/ROLE before looking it up, so an entry with a session ARN never matches. Map the role itself, in mapRoles.',
    docs: [DOCS.authConfigMap, DOCS.unauthorizedKnowledgeCenter],
    rootCause: true,
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e) => `${where(e)}: ${str(e, 'arn')} is a session ARN and never matches; map ${str(e, 'suggestedArn')}`,
    fix: (e, t) => replaceArnFix(e, t, e.section === 'mapUsers' ? 'and move the entry to mapRoles' : ''),
  },
  {
    id: 'aws-auth/role-in-map-users',
    severity: 'error',
    title: 'An IAM role is mapped under mapUsers',
    explain:
      'Roles belong in mapRoles, users in mapUsers. Current aws-iam-authenticator versions compare the ARN string in both sections, so such an entry may still match, but eksctl, the EKS console and the migration to access entries treat mapUsers entries as IAM users, and the entry reads as a mistake to the next person editing it.',
    docs: [DOCS.authConfigMap, DOCS.migratingAccessEntries],
    // Today's authenticator still matches such an entry (plain ARN compare): a defect, not the cause of a failure.
    rootCause: false,
    message: (e) => `${where(e)}: role ${str(e, 'arn')} is listed under mapUsers`,
    fix: (e, t) => moveSectionFix(e, t, 'mapUsers', 'mapRoles'),
  },
  {
    id: 'aws-auth/user-in-map-roles',
    severity: 'error',
    title: 'An IAM user is mapped under mapRoles',
    explain:
      'Users belong in mapUsers, roles in mapRoles. Current aws-iam-authenticator versions compare the ARN string in both sections, so such an entry may still match, but eksctl, the EKS console and the migration to access entries treat mapRoles entries as roles, and templates such as {{SessionName}} are empty for users.',
    docs: [DOCS.authConfigMap, DOCS.migratingAccessEntries],
    // Today's authenticator still matches such an entry (plain ARN compare): a defect, not the cause of a failure.
    rootCause: false,
    message: (e) => `${where(e)}: user ${str(e, 'arn')} is listed under mapRoles`,
    fix: (e, t) => moveSectionFix(e, t, 'mapRoles', 'mapUsers'),
  },
  {
    id: 'aws-auth/duplicate-entry',
    severity: 'warning',
    title: 'The same principal is mapped more than once',
    explain:
      'The authenticator keeps one mapping per principal: for roles the last entry wins, and a role entry wins over a user entry for the same ARN. Case variants of one user ARN are both kept and which one applies is unpredictable. The other entries are silently ignored.',
    docs: [DOCS.authConfigMap],
    rootCause: true,
    message: (e) => `${str(e, 'arn')} is mapped ${str(e, 'count', 'several')} times (lines ${list(e.lines)})`,
    detail: (e) =>
      e.nondeterministic === true
        ? 'The entries differ only in the case of the ARN; the one the authenticator uses is not predictable.'
        : `The authenticator uses the entry at ${where(e)}: username ${str(e, 'effectiveUsername', '(none)')}, groups ${list(e.effectiveGroups)}.${e.identical === true ? ' The entries are identical.' : ''}`,
    fix: (e, t) => ({
      summary: `Keep one entry for ${str(e, 'arn')} (the one at ${where(e)} is the one in effect) and delete the others.`,
      commands: applyEdit(e, t),
    }),
  },
  {
    id: 'aws-auth/invalid-username-template',
    severity: 'error',
    title: 'aws-auth username or group uses a template that does not work',
    explain:
      'The authenticator fills in exactly five placeholders, case-sensitive: {{AccountID}}, {{SessionName}} (with @ replaced by -), {{SessionNameRaw}}, {{AccessKeyID}} and {{EC2PrivateDNSName}}. Anything else stays in the name literally. IAM users have no session, so session placeholders render empty in mapUsers, and {{EC2PrivateDNSName}} (which needs an EC2 instance session i-…) makes the authenticator deny the request.',
    docs: [DOCS.authConfigMap],
    rootCause: true,
    explains: ['aws-auth/principal-not-mapped', 'kube/unauthorized', 'logs/access-denied'],
    message: (e) => {
      const why: Record<string, string> = {
        'unknown-placeholder': 'is not a template the authenticator knows and stays literally in the name',
        'unclosed-braces': 'is an unclosed template',
        'no-session-for-users': 'is empty for IAM users (they have no session)',
        'ec2-dns-for-users': 'needs an EC2 instance session, so the authenticator denies this user',
      };
      return `${where(e)}: ${str(e, 'placeholder')} in ${str(e, 'field', 'username')} "${str(e, 'template')}" ${why[str(e, 'reason', '')] ?? 'is invalid'}`;
    },
    fix: (e, t) => ({
      summary:
        typeof e.suggestedTemplate === 'string'
          ? `In ${where(e)}, write ${str(e, 'field', 'username')} "${e.suggestedTemplate}".`
          : e.reason === 'no-session-for-users' || e.reason === 'ec2-dns-for-users'
            ? `In ${where(e)}, give the IAM user a fixed ${str(e, 'field', 'username')} (only {{AccountID}} and {{AccessKeyID}} mean something for users).`
            : `In ${where(e)}, use only {{AccountID}}, {{SessionName}}, {{SessionNameRaw}}, {{AccessKeyID}} or {{EC2PrivateDNSName}}.`,
      commands: applyEdit(e, t),
    }),
  },
  {
    id: 'aws-auth/account-only-mapping',
    severity: 'warning',
    title: 'Mapped only through mapAccounts',
    explain:
      'mapAccounts lets every IAM principal of the account authenticate, as a user named after its ARN with no groups. RBAC grants nothing to that user unless a binding names the ARN, so every request is forbidden.',
    docs: [DOCS.authConfigMap, DOCS.rbac],
    rootCause: true,
    explains: ['kube/forbidden'],
    message: (e) => `${str(e, 'principalArn')} is mapped only through mapAccounts (user "${str(e, 'username', str(e, 'principalArn'))}", no groups)`,
    fix: (e, t) => {
      const arn = str(e, 'principalArn');
      const name = (parseArn(arn)?.name ?? 'principal').toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 40);
      return {
        summary: `Map ${arn} explicitly with groups, or bind a ClusterRole to the user "${str(e, 'username', arn)}".`,
        commands: [
          eksctlMapping(t, arn, suggestedUsername(arn), ['<kubernetes-group>']),
          `kubectl create clusterrolebinding ${shq(`${name}-view`)} --clusterrole=view --user=${shq(str(e, 'username', arn))}${contextFlag(t)}`,
        ],
      };
    },
  },
  {
    id: 'aws-auth/principal-not-mapped',
    severity: 'error',
    title: 'The IAM principal is not mapped',
    explain:
      'The token is valid, but neither an access entry nor aws-auth maps this principal (the canonical ARN: a role, not its session) to a Kubernetes user, so the API server answers 401 Unauthorized and the authenticator logs "identity is not mapped". Either use a principal that is mapped, or map this one.',
    docs: [DOCS.troubleshootingUnauthorized, DOCS.unauthorizedKnowledgeCenter, DOCS.authConfigMap, DOCS.accessEntries],
    rootCause: true,
    explains: ['kube/unauthorized', 'logs/access-denied'],
    message: (e) => `${str(e, 'principalArn')} is not mapped`,
    detail: (e) => {
      const admins = adminArns(e);
      const parts = [`Authentication mode: ${str(e, 'authenticationMode', 'unknown')}.`];
      if (typeof e.callerArn === 'string' && e.callerArn !== e.principalArn) parts.push(`Caller: ${e.callerArn}.`);
      const sawAwsAuth = Array.isArray(e.sources) ? e.sources.includes('aws-auth') : true;
      parts.push(
        admins.length > 0
          ? `Mapped admins (system:masters): ${admins.join(', ')}.`
          : sawAwsAuth
            ? 'No principal is mapped to system:masters.'
            : 'Who is an admin could not be read: aws-auth is not readable with this token (in CONFIG_MAP mode the cluster creator always is).',
      );
      if (typeof e.creatorArn === 'string') parts.push(`The cluster creator ${e.creatorArn} has admin rights that appear in no mapping.`);
      return parts.join(' ');
    },
    fix: (e, t) => {
      const principal = str(e, 'principalArn');
      const admins = adminArns(e);
      const mode = e.authenticationMode;
      const useAccessEntry = mode === 'API' || mode === 'API_AND_CONFIG_MAP';
      const mapping = useAccessEntry ? accessEntryCommands(t, principal) : [eksctlMapping(t, principal, suggestedUsername(principal), ['system:masters'])];
      const adminRole = admins.find((a) => parseArn(a)?.kind === 'role');
      const who =
        admins.length > 0
          ? ` Mapped admins: ${admins.join(', ')}: have one of them run the commands below${adminRole ? ', or switch kubectl to the admin role (last command) if you may assume it' : ''}.`
          : typeof e.creatorArn === 'string'
            ? ` Only the cluster creator ${e.creatorArn} can run them.`
            : '';
      const how = useAccessEntry
        ? `Create an access entry for ${principal} with AmazonEKSClusterAdminPolicy (or a narrower policy)${mode === 'API_AND_CONFIG_MAP' ? '; a line in aws-auth would also work, but access entries are the supported way' : ''}.`
        : `Add ${principal} to aws-auth (this grants system:masters; use a narrower group if it needs less)${mode === 'CONFIG_MAP' ? ', or switch to access entries with aws eks update-cluster-config --access-config authenticationMode=API_AND_CONFIG_MAP' : ''}.`;
      return {
        summary: `${how}${who}`,
        commands: [...mapping, ...(adminRole ? [updateKubeconfigCommand(t, { roleArn: adminRole })] : [])],
      };
    },
  },
  {
    id: 'aws-auth/ignored-in-api-mode',
    severity: 'warning',
    title: 'aws-auth is ignored in authentication mode API',
    explain:
      'In authentication mode API the cluster reads only access entries; the aws-auth ConfigMap is ignored, so principals mapped only there cannot authenticate. Mode changes are one-way: the cluster cannot go back to reading aws-auth, so give each principal an access entry.',
    docs: [DOCS.migratingAccessEntries, DOCS.accessEntries, DOCS.creatingAccessEntries],
    rootCause: true,
    explains: ['kube/unauthorized'],
    message: (e) =>
      typeof e.principalArn === 'string' ? `${e.principalArn} is mapped in aws-auth, which mode API ignores` : 'aws-auth has mappings, but authentication mode API ignores them',
    detail: (e) => (Array.isArray(e.arns) ? `Principals mapped only in aws-auth: ${list(e.arns)}.` : 'Only access entries are read.'),
    fix: (e, t) => {
      const arns = typeof e.principalArn === 'string' ? [e.principalArn] : Array.isArray(e.arns) ? e.arns.map(String).slice(0, 5) : ['<principal-arn>'];
      return {
        summary: `Create access entries for ${arns.join(', ')} (AmazonEKSClusterAdminPolicy shown; pick the policy each one needs).`,
        commands: arns.flatMap((a) => accessEntryCommands(t, a)),
      };
    },
  },
  {
    id: 'aws-auth/granted',
    severity: 'info',
    title: 'Mapped by aws-auth',
    explain: 'The principal matches an aws-auth entry; the API server knows it by this username and these groups, and RBAC decides what it may do.',
    docs: [DOCS.authConfigMap, DOCS.rbac],
    rootCause: false,
    message: (e) => `${str(e, 'principalArn')} is mapped by ${where(e)} as "${str(e, 'username', '')}" with groups ${list(e.groups)}`,
    detail: (e) => (Array.isArray(e.notes) && e.notes.length > 0 ? e.notes.map(String).join('; ') : `Matched via ${str(e, 'via', str(e, 'section', 'aws-auth'))}.`),
  },
];
