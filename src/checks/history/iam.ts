import { roleArnWithoutPath } from '../../facts/arn.js';
import { finding } from '../../rules/index.js';
import { recordSource } from '../facts.js';
import { defineCheck } from '../types.js';

/**
 * The principal as IAM knows it (SPEC §10.3): its full ARN with path, whether it still exists, and when
 * it was created (the access-entries check compares that with its entry).
 */
export const iamCheck = defineCheck({
  id: 'iam',
  title: 'IAM principal',
  dependsOn: ['identity', 'aws-identity'],
  emits: ['identity/role-has-path', 'history/unavailable'],
  async run({ facts, options, signal, once }) {
    if (options.noHistory) {
      recordSource(facts, 'iam', { status: 'skipped', reason: '--no-history' });
      return { findings: [], skip: '--no-history' };
    }
    const principal = facts.identity!;
    const { iamOf, readIamPrincipal } = await import('../../facts/iam.js');
    const aws = facts.aws!;
    const read = await once(`iam:${facts.awsKey}:${principal.principalArn}`, () => readIamPrincipal(iamOf(aws), principal.principalArn, signal));
    facts.iam = read;
    if (!read.ok) {
      recordSource(facts, 'iam', { status: read.problem === 'denied' ? 'denied' : 'absent', reason: read.message });
      const unavailable = finding('history/unavailable', { source: 'iam', status: read.problem, reason: read.message, wouldTell: "the principal's full ARN with its path, and whether it was re-created" });
      return { findings: [unavailable], skip: `IAM could not be read: ${read.message}` };
    }
    if (read.kind === 'none') {
      recordSource(facts, 'iam', { status: 'skipped', reason: 'the principal is not an IAM role or user' });
      return { findings: [], skip: 'the principal is not an IAM role or user' };
    }
    recordSource(facts, 'iam', { status: 'read', ...(!read.exists && { reason: 'the principal no longer exists' }) });
    if (read.exists && read.kind === 'role' && read.path !== '/') {
      return { findings: [finding('identity/role-has-path', { roleArn: read.arn, pathlessArn: roleArnWithoutPath(read.arn), path: read.path })] };
    }
    return { findings: [] };
  },
});
