/**
 * How to let a principal in: one plan for every rule whose fix is "map this principal", so a cause
 * and its symptoms never print two different fixes. Least privilege unless the evidence says the
 * principal was meant to be admin; run as a principal shown to be able to (SPEC §10), through a local
 * profile when one resolves to them; aws-auth changed with kubectl alone (an exact merge patch of the
 * whole section when its content is known), eksctl offered beside it.
 */
import { parseArn, roleArnWithoutPath } from '../facts/arn.js';
import { accessEntryCommands, accessEntryPlaceholders, clusterOf, contextFlag, listOf, partitionOf, regionOf, shq } from './commands.js';
import type { AwsAuthContent, AwsAuthEntry, Fixer, Grant, NotMappedEvidence } from './evidence.js';
import type { Fix, Target } from './rule.js';

const REASON_TEXT: Record<Fixer['reason'], string> = {
  'access-entry-admin': 'has an access entry with AmazonEKSClusterAdminPolicy',
  'aws-auth-admin': 'mapped to system:masters',
  creator: 'created the cluster',
  'changed-access': "last changed the cluster's access",
};

/** `arn… (created the cluster; seen in CloudTrail; your profile ops-jane is that principal)`. */
export function describeFixer(f: Fixer): string {
  return `${f.arn} (${REASON_TEXT[f.reason]}, seen in ${f.seenIn}${f.profile ? `; your profile ${f.profile} is that principal` : ''})`;
}

/** Who runs the commands, as a sentence opening the summary. */
export function runAs(fixers: Fixer[], unseen: string[]): string {
  const [first, ...others] = fixers;
  if (!first) return `Have a cluster administrator run these${unseen.length ? ` (who that is could not be seen: ${unseen.join('; ')})` : ''}.`;
  const rest = others.length ? ` Others who can: ${others.map(describeFixer).join('; ')}.` : '';
  return `Run as ${describeFixer(first)}${first.profile ? '' : ', or ask them to'}.${rest}`;
}


/** What the grant gives, in one line that says why it is that much and no more. */
function grantLine(g: Grant): string {
  if (g.level === 'admin') return `Full admin, because ${g.because}.`;
  if (g.level === 'restore') return `The policies it had before, because ${g.because}: ${listOf(g.policies.map((p) => p.split('/').pop()!))}.`;
  if (g.level === 'groups') return `The Kubernetes groups it had (${listOf(g.groups)}), because ${g.because}.`;
  return 'Read-only (view), the least that lets kubectl work; grant edit or admin instead if this principal must change things.';
}

/** The access entry and policy that let the principal in (modes API and API_AND_CONFIG_MAP). */
export function accessEntryGrant(e: Pick<NotMappedEvidence, 'principalArn' | 'fullArn' | 'fixers' | 'grant' | 'unseen'> & { kubernetesGroups?: string[]; username?: string }, t: Target): Fix {
  const arn = e.fullArn ?? e.principalArn;
  const fixer = e.fixers[0];
  const policies = e.grant.level === 'restore' ? e.grant.policies : [`arn:${partitionOf(t.region)}:eks::aws:cluster-access-policy/${e.grant.level === 'admin' ? 'AmazonEKSClusterAdminPolicy' : 'AmazonEKSViewPolicy'}`];
  const groups = e.kubernetesGroups ?? (e.grant.level === 'groups' ? e.grant.groups : []);
  const commands = accessEntryCommands(t, arn, groups.length && (e.grant.level === 'view' || e.grant.level === 'groups') ? [] : policies, { kubernetesGroups: groups, username: e.username });
  const profile = fixerProfile(fixer);
  return {
    summary: `${runAs(e.fixers, e.unseen)} Give ${arn} an access entry. ${e.grant.level === 'groups' ? grantLine(e.grant) : groups.length ? `It keeps the Kubernetes groups it had (${listOf(groups)}).` : grantLine(e.grant)}`,
    commands: commands.map((c) => (c.startsWith('aws ') ? `${c}${profile.flag}` : c)),
    ...((profile.placeholders || accessEntryPlaceholders(arn)) && { placeholders: { ...profile.placeholders, ...accessEntryPlaceholders(arn) } }),
  };
}

/** The aws-auth entry that maps the principal, least privilege unless the grant says admin. */
export function awsAuthEntryFor(principalArn: string, grant: Grant): { entry: AwsAuthEntry; section: 'mapRoles' | 'mapUsers'; viewGroup?: string } {
  const p = parseArn(principalArn);
  const isRole = p?.kind === 'role';
  const name = (p?.name ?? 'principal').toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 50);
  const viewGroup = grant.level === 'admin' ? undefined : `${name}-view`;
  return {
    section: isRole ? 'mapRoles' : 'mapUsers',
    // aws-auth matches roles by the path-less ARN the session canonicalizes to (auth-configmap docs).
    entry: { arn: isRole ? roleArnWithoutPath(principalArn) : principalArn, username: isRole ? `${p!.name}:{{SessionName}}` : (p?.name ?? principalArn), groups: [viewGroup ?? 'system:masters'] },
    ...(viewGroup && { viewGroup }),
  };
}

/** The profile that signs as the fixer: theirs when the local config has one, else a placeholder to fill in. */
export function fixerProfile(f: Fixer | undefined): { flag: string; placeholders?: Record<string, string> } {
  if (f?.profile) return { flag: ` --profile ${shq(f.profile)}` };
  return { flag: ' --profile "$ADMIN_PROFILE"', placeholders: { ADMIN_PROFILE: f ? `an AWS profile whose credentials are ${f.arn}` : 'an AWS profile of a cluster administrator' } };
}

/** A kubectl context that is the fixer's: the kubeconfig entry to make for them, and the flag that uses it. */
export function fixerContext(f: Fixer | undefined, t: Target): { setup: string; flag: string; placeholders?: Record<string, string> } {
  const alias = `${t.cluster ?? 'cluster'}-${f ? (parseArn(f.arn)?.name ?? 'admin').toLowerCase().replace(/[^a-z0-9-]+/g, '-') : 'admin'}`;
  const profile = fixerProfile(f);
  return {
    // --user-alias too: the user entry is otherwise named after the cluster ARN, the caller's own, and would be overwritten.
    setup: `aws eks update-kubeconfig --name ${clusterOf(t)} --region ${regionOf(t)} --alias ${shq(alias)} --user-alias ${shq(alias)}${profile.flag}`,
    flag: ` --context ${shq(alias)}`,
    ...(profile.placeholders && { placeholders: profile.placeholders }),
  };
}

/**
 * Who runs a fix that the caller may not apply itself (locked out, or authenticated but forbidden):
 * with `fixers`, the first one's kubectl context (made with update-kubeconfig) and AWS profile, and
 * a sentence naming them; without, the caller's own context and credentials.
 */
export function runnerFor(fixers: Fixer[] | undefined, t: Target): { setup: string[]; flag: string; who: string; profile: string; placeholders?: Record<string, string> } {
  if (!fixers) return { setup: [], flag: contextFlag(t), who: '', profile: '' };
  const ctx = fixerContext(fixers[0], t);
  return { setup: [ctx.setup], flag: ctx.flag, who: `${runAs(fixers, [])} `, profile: fixerProfile(fixers[0]).flag, ...(ctx.placeholders && { placeholders: ctx.placeholders }) };
}

/** A YAML scalar the authenticator's yaml.v2 reads back as the same string: plain when that is safe, else JSON-quoted. */
function scalar(v: string): string {
  const plain = /^[A-Za-z0-9/][A-Za-z0-9_:/.@+=,-]*$/.test(v) && !/:$/.test(v) && !/^(y|n|yes|no|on|off|true|false|null|~|[-+.\d][\d_.eE+-]*)$/i.test(v);
  return plain ? v : JSON.stringify(v);
}

/** One aws-auth section as the authenticator reads it back. */
export function renderSection(section: 'mapRoles' | 'mapUsers', entries: AwsAuthEntry[]): string {
  const key = section === 'mapRoles' ? 'rolearn' : 'userarn';
  return entries
    .map((m) => [`- ${key}: ${scalar(m.arn)}`, ...(m.username !== undefined ? [`  username: ${scalar(m.username)}`] : []), ...(m.groups.length ? ['  groups:', ...m.groups.map((g) => `    - ${scalar(g)}`)] : [])].join('\n'))
    .join('\n')
    .concat('\n');
}

/** A new aws-auth: created empty, then one section set by a merge patch (each a one-line command, no heredoc). */
export function createAwsAuthCommands(section: 'mapRoles' | 'mapUsers', entries: AwsAuthEntry[], contextFlag: string): string[] {
  return [`kubectl create configmap aws-auth -n kube-system${contextFlag}`, patchCommand(section, entries, contextFlag)];
}

/** `kubectl patch … --type merge` setting one whole section: exact, and the same when run twice. */
export function patchCommand(section: 'mapRoles' | 'mapUsers', entries: AwsAuthEntry[], contextFlag: string): string {
  return patchSectionsCommand({ [section]: entries }, contextFlag);
}

/**
 * `kubectl patch … --type merge` setting whole sections at once (a move between sections is one write);
 * an empty section, or a key set to null, is removed (RFC 7386: null deletes the key).
 */
export function patchSectionsCommand(sections: Partial<Record<'mapRoles' | 'mapUsers', AwsAuthEntry[]>> & Record<string, AwsAuthEntry[] | null | undefined>, contextFlag: string): string {
  const data: Record<string, string | null> = {};
  for (const [key, entries] of Object.entries(sections)) {
    if (entries === undefined) continue;
    data[key] = entries === null || entries.length === 0 ? null : renderSection(key === 'mapUsers' ? 'mapUsers' : 'mapRoles', entries);
  }
  return `kubectl patch configmap aws-auth -n kube-system --type merge -p ${shq(JSON.stringify({ data }))}${contextFlag}`;
}

/** The aws-auth mapping (mode CONFIG_MAP): kubectl only, with eksctl as the alternative. */
export function awsAuthGrant(e: NotMappedEvidence, t: Target): Fix {
  const fixer = e.fixers[0];
  const { entry, section, viewGroup } = awsAuthEntryFor(e.principalArn, e.grant);
  const ctx = fixerContext(fixer, t);
  const binding = viewGroup ? [`kubectl create clusterrolebinding ${shq(viewGroup)} --clusterrole=view --group=${shq(viewGroup)}${ctx.flag}`] : [];
  const edit = patchOrEdit(t.awsAuth, section, entry, ctx.flag);
  const eksctl = [
    'eksctl create iamidentitymapping',
    `--cluster ${clusterOf(t)}`,
    `--region ${regionOf(t)}`,
    `--arn ${shq(entry.arn)}`,
    `--username ${shq(entry.username!)}`,
    ...entry.groups.map((g) => `--group ${shq(g)}`),
  ].join(' ') + fixerProfile(fixer).flag;
  const what = viewGroup
    ? `Map ${entry.arn} in aws-auth with its own group ${viewGroup}, and bind that group to the view ClusterRole.`
    : `Map ${entry.arn} in aws-auth in system:masters.`;
  return {
    summary: `${runAs(e.fixers, e.unseen)} ${what} ${grantLine(e.grant)}${edit.note ? ` ${edit.note}` : ''}`,
    commands: [ctx.setup, ...edit.commands, ...binding],
    ...(edit.insert && { insert: edit.insert }),
    ...(ctx.placeholders && { placeholders: ctx.placeholders }),
    alternative: { summary: 'The same with eksctl:', commands: [ctx.setup, eksctl, ...binding] },
  };
}

/** The patch when the section's content is known (live, file or audit log), else `kubectl edit` and the lines to add. */
function patchOrEdit(content: AwsAuthContent | undefined, section: 'mapRoles' | 'mapUsers', entry: AwsAuthEntry, contextFlag: string): { commands: string[]; note?: string; insert?: Fix['insert'] } {
  if (content?.missing) return { commands: createAwsAuthCommands(section, [entry], contextFlag), note: 'There is no aws-auth ConfigMap: this creates it. Map the node role too, or nodes cannot join.' };
  if (content) {
    const from = content.source === 'audit-log' ? ` (its content as the audit log shows it after the change at ${content.changedAt} by ${content.changedBy})` : '';
    return { commands: [patchCommand(section, [...content[section], entry], contextFlag)], note: `The patch writes the whole ${section} section${from} with the new entry at the end.` };
  }
  return {
    commands: [`kubectl edit configmap aws-auth -n kube-system${contextFlag}`],
    note: `aws-auth could not be read from here, so the edit is by hand.`,
    insert: { where: `at the end of data.${section} (indented like its other entries)`, lines: renderSection(section, [entry]).trimEnd().split('\n') },
  };
}

/** The fix of a principal that is not mapped: an access entry where the mode reads them, else aws-auth. */
export function grantFix(e: NotMappedEvidence, t: Target): Fix {
  return e.authenticationMode === 'CONFIG_MAP' ? awsAuthGrant(e, t) : accessEntryGrant(e, t);
}

/** The story of a principal that is not mapped: where it is absent, what changed, who can fix it, what could not be seen. */
export function notMappedDetail(e: NotMappedEvidence): string {
  const parts = [`Authentication mode: ${e.authenticationMode}.`];
  if (e.callerArn !== e.principalArn) parts.push(`Caller: ${e.callerArn}.`);
  if (e.sources.length) parts.push(`Not mapped according to: ${e.sources.join(', ')}.`);
  if (e.deleted) parts.push(`Its access entry was deleted at ${e.deleted.at} by ${e.deleted.by} (CloudTrail).`);
  if (e.switchedToApi) parts.push(`The authentication mode was switched to API at ${e.switchedToApi.at} by ${e.switchedToApi.by} (CloudTrail): aws-auth stopped counting then.`);
  parts.push(e.fixers.length ? `Who can fix it: ${e.fixers.map(describeFixer).join('; ')}.` : 'No principal with admin rights could be seen.');
  if (e.unseen.length) parts.push(`Could not read: ${e.unseen.join('; ')}.`);
  return parts.join(' ');
}
