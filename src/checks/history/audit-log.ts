import { recordSource } from '../facts.js';
import { defineCheck } from '../types.js';

/**
 * The newest change of kube-system/aws-auth in the cluster's audit log (SPEC §10.2): its content for
 * when the live ConfigMap cannot be read, and who last changed it. Reads only; the aws-auth and mapping
 * checks turn what it found into findings.
 */
export const auditLogCheck = defineCheck({
  id: 'audit-log',
  title: 'Kubernetes audit log',
  dependsOn: ['aws-identity'],
  emits: [],
  async run({ facts, options, target, signal, remainingMs, once }) {
    if (options.noHistory) {
      recordSource(facts, 'audit-log', { status: 'skipped', reason: '--no-history' });
      return { findings: [], skip: '--no-history' };
    }
    const cluster = target.cluster;
    if (!cluster) return { findings: [], skip: 'no cluster name' };
    const { readAwsAuthHistory } = await import('../../facts/audit-log.js');
    const logs = facts.aws!.logs;
    const history = await once(`audit-aws-auth:${facts.awsKey}:${cluster}`, () => readAwsAuthHistory(logs, { cluster, nowMs: Date.now(), signal, deadlineMs: Date.now() + remainingMs() }));
    facts.auditLog = history;
    if (!history.ok) {
      recordSource(facts, 'audit-log', { status: history.problem === 'denied' ? 'denied' : 'absent', reason: history.message });
      return { findings: [], skip: `the audit log could not be read: ${history.message}` };
    }
    if (!history.newest) {
      recordSource(facts, 'audit-log', { status: 'absent', reason: history.complete ? 'no change of aws-auth in the audit log' : 'no change of aws-auth within the search budget' });
      return { findings: [] };
    }
    recordSource(facts, 'audit-log', { status: 'read' });
    return { findings: [] };
  },
});
