import { finding, type FindingOf } from '../../rules/index.js';
import { recordSource } from '../facts.js';
import { defineCheck } from '../types.js';

const EMITS = ['cluster/authenticator-logging-disabled', 'logs/not-enabled', 'logs/query-denied', 'logs/access-denied', 'logs/access-granted', 'logs/no-events'] as const;

/**
 * The cluster's own account of why the principal was refused: the aws-iam-authenticator lines in
 * CloudWatch Logs within --since, matched to the principal client-side (never trusting server-side filters).
 */
export const logsCheck = defineCheck({
  id: 'logs',
  title: 'authenticator logs',
  // The log group does not depend on who you are: look it up as soon as the cluster is known.
  dependsOn: ['cluster'],
  waitsFor: ['identity', 'kube-auth'],
  emits: EMITS,
  async run({ facts, options, signal, remainingMs, progress, once, finished }) {
    if (options.noLogs) {
      recordSource(facts, 'authenticator-log', { status: 'skipped', reason: '--no-logs' });
      return { findings: [], skip: '--no-logs' };
    }
    const cluster = facts.cluster!;
    const findings: FindingOf<(typeof EMITS)[number]>[] = [];
    if (!cluster.enabledLogTypes.includes('authenticator')) findings.push(finding('cluster/authenticator-logging-disabled', { enabledTypes: cluster.enabledLogTypes }));
    const { authenticatorLogStatus, findAdminGrants, findAuthenticatorEvents } = await import('../../facts/cloudwatch-logs.js');
    const logs = facts.aws!.logs;
    const where = `${facts.awsKey}:${cluster.name}`;
    const window = () => {
      const now = Date.now();
      return { cluster: cluster.name, sinceMs: now - options.since, nowMs: now, signal, deadlineMs: now + remainingMs() };
    };
    // Who gets in as admin does not depend on kubectl's request: ask while waiting for it.
    const adminGrants = once(`log-admins:${where}`, () => findAdminGrants(logs, window()));
    const status = await once(`log-status:${where}`, () => authenticatorLogStatus(logs, cluster.name, signal));
    if (!status.ok) {
      recordSource(facts, 'authenticator-log', { status: 'absent', reason: status.message });
      return { findings, halt: `CloudWatch Logs could not be read: ${status.message}` };
    }
    if (status.denied) {
      recordSource(facts, 'authenticator-log', { status: 'denied', reason: status.denied.actions.join(', ') });
      return { findings: [...findings, finding('logs/query-denied', { actions: status.denied.actions, callerArn: facts.sdkIdentity?.arn })] };
    }
    if (!status.groupExists || !status.streamsExist) {
      recordSource(facts, 'authenticator-log', { status: 'absent', reason: status.groupExists ? 'no authenticator log streams' : 'no log group' });
      // Disabled logging is already the finding; a missing group then says nothing new.
      if (findings.length === 0) findings.push(finding('logs/not-enabled', { groupExists: status.groupExists }));
      return { findings };
    }
    // Only the principal's own events wait: for the identity, and for kubectl's request, so that its
    // authenticator line is evidence too.
    await Promise.all([finished('identity'), finished('kube-auth')]);
    const principal = facts.identity;
    if (!principal) return { findings, skip: 'no identity to look for' };
    const found = await once(`log-events:${where}:${principal.principalArn}`, () =>
      findAuthenticatorEvents(logs, { ...window(), principal: { arn: principal.arn, canonicalArn: principal.principalArn }, onProgress: progress }),
    );
    if (!found.ok) {
      recordSource(facts, 'authenticator-log', { status: 'absent', reason: found.message });
      return { findings, halt: `the authenticator logs could not be searched: ${found.message}` };
    }
    recordSource(facts, 'authenticator-log', found.denied ? { status: 'denied', reason: found.denied.actions.join(', ') } : { status: 'read' });
    if (found.denied) return { findings: [...findings, finding('logs/query-denied', { actions: found.denied.actions, callerArn: facts.sdkIdentity?.arn })] };

    const mine = found.events.filter((e) => e.outcome === 'granted' || e.outcome === 'denied');
    const denied = mine.find((e) => e.outcome === 'denied');
    const granted = mine.find((e) => e.outcome === 'granted');
    // When the principal is refused, the people who can fix the mapping are those who do get in.
    const grants = denied ? await adminGrants : [];
    const admins = grants.filter((a) => a.arn.toLowerCase() !== principal.principalArn.toLowerCase());
    facts.logs = {
      notMapped: denied?.reason === 'not-mapped' ? denied : undefined,
      admins: admins.map((a) => a.arn),
      creatorArn: admins.find((a) => a.username === 'kubernetes-admin')?.arn,
    };
    const since = formatSince(options.since);
    // The newest attempt tells the current state: a grant after a denial means the fix already works.
    const newest = mine[0];
    if (newest && newest === denied) {
      findings.push(
        finding('logs/access-denied', {
          ...(denied.arn && { arn: denied.arn }),
          principalArn: principal.principalArn,
          reason: denied.reason ?? 'other',
          ...(denied.error && { error: denied.error }),
          time: new Date(denied.timestamp).toISOString(),
          authenticationMode: cluster.authenticationMode,
          count: mine.filter((e) => e.outcome === 'denied').length,
        }),
      );
    } else if (newest && newest === granted) {
      findings.push(finding('logs/access-granted', { arn: granted.arn ?? principal.principalArn, username: granted.username, groups: granted.groups ?? [], time: new Date(granted.timestamp).toISOString() }));
    } else {
      findings.push(finding('logs/no-events', { principalArn: principal.principalArn, since, method: found.method, incomplete: found.incomplete === true }));
    }
    return { findings };
  },
});

function formatSince(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;
}
