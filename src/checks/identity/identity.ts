import { finding, type FindingOf } from '../../rules/index.js';
import { defineCheck } from '../types.js';

/**
 * Which principal the cluster will see: the one inside kubectl's token, else the credential chain's
 * (resolved as the exec plugin resolves it). Says when your shell's credentials are another principal
 * than kubectl's (the exec env or args pick another profile) and when the account is not the cluster's.
 */
export const identityCheck = defineCheck({
  id: 'identity',
  title: 'IAM identity',
  dependsOn: ['kubeconfig'],
  after: ['aws-identity', 'token', 'cluster'],
  emits: ['identity/exec-identity-differs', 'identity/account-mismatch'],
  async run({ facts, options, target, signal }) {
    const { canonicalPrincipalArn, parseArn } = await import('../../facts/arn.js');
    const findings: FindingOf<'identity/exec-identity-differs' | 'identity/account-mismatch'>[] = [];
    if (options.principal) {
      const parsed = parseArn(options.principal);
      if (!parsed) return { findings: [], halt: `--principal ${options.principal} is not an ARN` };
      facts.identity = { arn: options.principal, principalArn: canonicalPrincipalArn(options.principal), accountId: parsed.accountId, source: 'principal-option' };
      return { findings };
    }
    // A credential that is not an IAM token (a client certificate, a service-account token) has no IAM identity.
    if (facts.credential && !facts.iamCredential) return { findings, skip: 'the kubeconfig credential is not an IAM identity' };
    const identity = facts.execIdentity ?? facts.sdkIdentity;
    if (!identity) return { findings, halt: 'no identity could be established' };
    facts.identity = identity;

    const plugin = facts.kubeconfig?.plugin;
    // With an explicit --profile the reader chose other credentials on purpose: nothing to compare.
    const shellProfile = options.env.AWS_PROFILE;
    if (!options.profile && facts.execIdentity && plugin?.profile && plugin.profile !== shellProfile && facts.aws) {
      // The plugin runs with another profile than the shell: ask who the shell is, as `aws sts get-caller-identity` would.
      const [{ awsClients }, { getSdkIdentity }] = await Promise.all([import('../../facts/aws/clients.js'), import('../../facts/aws-identity.js')]);
      const clients = awsClients({ region: facts.aws.region, env: options.env });
      const shell = await getSdkIdentity(clients, { signal });
      const roleExplains = plugin.roleArn && canonicalPrincipalArn(plugin.roleArn).toLowerCase() === identity.principalArn.toLowerCase();
      if (shell.ok && !roleExplains && shell.principalArn.toLowerCase() !== identity.principalArn.toLowerCase()) {
        facts.shell = { identity: { arn: shell.arn, principalArn: shell.principalArn, accountId: shell.accountId, userId: shell.userId, source: 'sdk' }, clients, ...(shellProfile ? { profile: shellProfile } : !options.env.AWS_ACCESS_KEY_ID && { profile: 'default' }) };
        findings.push(finding('identity/exec-identity-differs', { execArn: identity.arn, execPrincipalArn: identity.principalArn, sdkArn: shell.arn, execProfile: plugin.profile, sdkProfile: shellProfile }));
      }
    }
    const clusterAccount = target.accountId;
    if (clusterAccount && identity.accountId !== clusterAccount) {
      findings.push(finding('identity/account-mismatch', { identityAccount: identity.accountId, clusterAccount, principalArn: identity.principalArn }));
    }
    return { findings };
  },
});
