import type { Facts } from '../facts.js';
import { adminMappings } from '../../facts/aws-auth.js';
import { finding } from '../../rules/index.js';
import type { NotMappedEvidence } from '../../rules/evidence.js';
import { defineCheck } from '../types.js';

/**
 * Is the principal mapped at all? Joins what the access entries, the aws-auth ConfigMap and the
 * authenticator logs each know. Says "not mapped" only on evidence: a readable source that lacks the
 * principal, or the authenticator's own "not mapped" verdict; and never when the API server accepted it.
 */
export const mappingCheck = defineCheck({
  id: 'mapping',
  title: 'principal mapping',
  dependsOn: ['identity', 'cluster'],
  after: ['access-entries', 'aws-auth', 'logs', 'kube-auth'],
  emits: ['aws-auth/principal-not-mapped', 'access-entry/missing'],
  async run({ facts, options }) {
    const principal = facts.identity!;
    const mode = facts.cluster!.authenticationMode;
    const entries = facts.accessEntries;
    const awsAuth = facts.awsAuth;
    if (facts.kube?.authenticated && !options.principal) return { findings: [] };
    if (entries?.entry) return { findings: [] };
    const awsAuthApplies = mode !== 'API';
    if (awsAuthApplies && awsAuth?.mapped) return { findings: [] };

    const entriesSay = mode !== 'CONFIG_MAP' && entries?.readable === true;
    const awsAuthSays = awsAuthApplies && awsAuth?.readable === true;
    const logsSay = facts.logs?.notMapped !== undefined;
    const known = mode === 'API' ? entriesSay : mode === 'CONFIG_MAP' ? awsAuthSays : entriesSay && awsAuthSays;
    if (!known && !logsSay) return { findings: [] };

    const notMapped = facts.logs?.notMapped;
    const evidence: NotMappedEvidence = {
      principalArn: principal.principalArn,
      callerArn: principal.arn,
      authenticationMode: mode,
      cluster: facts.cluster!.name,
      admins: admins(facts).filter((a) => a.toLowerCase() !== principal.principalArn.toLowerCase()),
      ...(facts.logs?.creatorArn && { creatorArn: facts.logs.creatorArn }),
      ...(notMapped && { ...(notMapped.error && { logLine: notMapped.error }), loggedAt: new Date(notMapped.timestamp).toISOString() }),
      sources: [entriesSay && 'access entries', awsAuthSays && 'aws-auth', logsSay && 'authenticator logs'].filter((s): s is string => typeof s === 'string'),
    };
    return { findings: [mode === 'API' ? finding('access-entry/missing', evidence) : finding('aws-auth/principal-not-mapped', evidence)] };
  },
});

/** Principals with admin access that the sources show: who to assume, or who can run the fix. In API mode aws-auth counts for nothing. */
function admins(facts: Facts): string[] {
  const apiMode = facts.cluster?.authenticationMode === 'API';
  const fromAwsAuth = facts.awsAuth?.config && !apiMode ? adminMappings(facts.awsAuth.config).map((m) => m.arn) : [];
  return [...new Set([...(facts.accessEntries?.admins ?? []), ...fromAwsAuth, ...(facts.logs?.admins ?? [])])];
}
