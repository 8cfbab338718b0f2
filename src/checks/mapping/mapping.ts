import type { NotMappedEvidence } from '../../rules/evidence.js';
import { finding } from '../../rules/index.js';
import { defineCheck } from '../types.js';
import { deletionOf, fixersHere, grantFor, switchToApiOf, unseenOf } from './fixers.js';

/**
 * Is the principal mapped at all? Joins what the access entries, the aws-auth ConfigMap (live or from
 * the audit log) and the authenticator logs each know. Says "not mapped" only on evidence: a readable
 * source that lacks the principal, or the authenticator's own "not mapped" verdict; and never when the
 * API server accepted it. The finding names who can fix it and how much access to give (SPEC §10).
 */
export const mappingCheck = defineCheck({
  id: 'mapping',
  title: 'principal mapping',
  dependsOn: ['identity', 'cluster'],
  after: ['access-entries', 'aws-auth', 'logs', 'kube-auth', 'cloudtrail', 'audit-log', 'iam'],
  emits: ['aws-auth/principal-not-mapped', 'access-entry/missing'],
  async run(ctx) {
    const { facts, options } = ctx;
    const principal = facts.identity!;
    const mode = facts.cluster!.authenticationMode;
    const entries = facts.accessEntries;
    const awsAuth = facts.awsAuth;
    if (facts.kube?.authenticated && !options.principal) return { findings: [] };
    if (entries?.entry) return { findings: [] };
    const awsAuthApplies = mode !== 'API';
    if (awsAuthApplies && awsAuth?.mapped) return { findings: [] };

    const entriesSay = mode !== 'CONFIG_MAP' && entries?.readable === true;
    const awsAuthSays = awsAuthApplies && (awsAuth?.readable === true || awsAuth?.fromAudit !== undefined);
    const logsSay = facts.logs?.notMapped !== undefined;
    const known = mode === 'API' ? entriesSay : mode === 'CONFIG_MAP' ? awsAuthSays : entriesSay && awsAuthSays;
    if (!known && !logsSay) return { findings: [] };

    const notMapped = facts.logs?.notMapped;
    const deleted = deletionOf(facts, principal);
    const switched = switchToApiOf(facts);
    const evidence: NotMappedEvidence = {
      principalArn: principal.principalArn,
      callerArn: principal.arn,
      ...(facts.iam?.ok && facts.iam.exists && facts.iam.arn !== principal.principalArn && { fullArn: facts.iam.arn }),
      authenticationMode: mode,
      cluster: facts.cluster!.name,
      fixers: await fixersHere(ctx),
      grant: grantFor(facts, principal),
      ...(deleted && { deleted: { at: deleted.time, by: deleted.actor.arn } }),
      ...(switched && mode === 'API' && { switchedToApi: { at: switched.time, by: switched.actor.arn } }),
      ...(notMapped && { ...(notMapped.error && { logLine: notMapped.error }), loggedAt: new Date(notMapped.timestamp).toISOString() }),
      sources: [entriesSay && 'access entries', awsAuthSays && (awsAuth?.fromAudit ? 'aws-auth (audit log)' : 'aws-auth'), logsSay && 'authenticator logs'].filter((s): s is string => typeof s === 'string'),
      unseen: unseenOf(facts),
    };
    return { findings: [mode === 'API' ? finding('access-entry/missing', evidence) : finding('aws-auth/principal-not-mapped', evidence)] };
  },
});
