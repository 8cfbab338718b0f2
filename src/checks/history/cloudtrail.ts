import { sameArn, roleArnWithoutPath } from '../../facts/arn.js';
import type { TrailEvent } from '../../facts/cloudtrail.js';
import { finding, type FindingOf } from '../../rules/index.js';
import type { AccessChange } from '../../rules/history.js';
import { recordSource } from '../facts.js';
import { defineCheck } from '../types.js';

const EMITS = ['history/creator', 'history/access-changed', 'history/unavailable'] as const;
/** The newest changes shown; older ones are in CloudTrail for whoever wants them. */
const MAX_CHANGES = 10;

/**
 * The cluster's history from CloudTrail (SPEC §10.1): its creator, and the recent access changes that
 * concern the principal. Starts as soon as there are credentials and a cluster name (it needs no
 * DescribeCluster), so its lookups overlap everything else.
 */
export const cloudTrailCheck = defineCheck({
  id: 'cloudtrail',
  title: 'CloudTrail history',
  dependsOn: ['aws-identity'],
  waitsFor: ['identity'],
  emits: EMITS,
  async run({ facts, options, target, signal, remainingMs, once, finished }) {
    if (options.noHistory) {
      recordSource(facts, 'cloudtrail', { status: 'skipped', reason: '--no-history' });
      return { findings: [], skip: '--no-history' };
    }
    const cluster = target.cluster;
    if (!cluster) return { findings: [], skip: 'no cluster name' };
    const { cloudTrailOf, readClusterHistory } = await import('../../facts/cloudtrail.js');
    const aws = facts.aws!;
    const history = await once(`cloudtrail:${facts.awsKey}:${cluster}`, () =>
      readClusterHistory(cloudTrailOf(aws), { cluster, nowMs: Date.now(), signal, deadlineMs: Date.now() + remainingMs() }),
    );
    facts.cloudtrail = history;
    if (!history.ok) {
      recordSource(facts, 'cloudtrail', { status: history.problem === 'denied' ? 'denied' : 'absent', reason: history.message });
      const unavailable = finding('history/unavailable', { source: 'cloudtrail', status: history.problem, reason: history.message, wouldTell: 'who created the cluster and who last changed its access' });
      return { findings: [unavailable], skip: `CloudTrail could not be read: ${history.message}` };
    }
    recordSource(facts, 'cloudtrail', { status: 'read', ...(!history.complete && { reason: 'searched within a page budget' }) });
    const findings: FindingOf<(typeof EMITS)[number]>[] = [];
    const c = history.creation;
    if (c) findings.push(finding('history/creator', { creatorArn: c.actor.arn, createdAt: c.time, ...(c.actor.sessionArn && { sessionArn: c.actor.sessionArn }), ...(c.authenticationMode && { authenticationMode: c.authenticationMode }) }));
    await finished('identity');
    const principal = facts.identity;
    const changes = history.changes.filter((e) => concerns(e, principal?.principalArn)).slice(0, MAX_CHANGES).map(accessChange);
    if (changes.length > 0) findings.push(finding('history/access-changed', { changes }));
    return { findings };
  },
});

/** A change concerns the principal when it is about its entry, or changes the authentication mode for everyone. */
function concerns(e: TrailEvent, principalArn: string | undefined): boolean {
  if (e.name === 'UpdateClusterConfig') return isRecordWith(e.parameters, 'accessConfig');
  const subject = typeof e.parameters.principalArn === 'string' ? e.parameters.principalArn : undefined;
  return subject !== undefined && principalArn !== undefined && sameArn(roleArnWithoutPath(subject), roleArnWithoutPath(principalArn));
}

function isRecordWith(o: Record<string, unknown>, key: string): boolean {
  return typeof o[key] === 'object' && o[key] !== null;
}

export function accessChange(e: TrailEvent): AccessChange {
  const p = e.parameters;
  const access = typeof p.accessConfig === 'object' && p.accessConfig !== null ? (p.accessConfig as Record<string, unknown>) : {};
  return {
    event: e.name,
    at: e.time,
    by: e.actor.arn,
    ...(typeof p.principalArn === 'string' && { principalArn: p.principalArn }),
    ...(typeof p.policyArn === 'string' && { policyArn: p.policyArn }),
    ...(typeof access.authenticationMode === 'string' && { authenticationMode: access.authenticationMode }),
  };
}
