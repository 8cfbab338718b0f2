import { envFingerprint } from '../../engine/keys.js';
import type { Check, Finding } from '../../engine/types.js';

/**
 * Who the AWS credential chain says you are, resolved as the exec plugin resolves it (its profile,
 * env and --role-arn). The clients built here are the run's working credentials for every AWS read.
 */
export const awsIdentityCheck: Check = {
  id: 'aws-identity',
  title: 'AWS credentials',
  dependsOn: ['kubeconfig'],
  emits: ['identity/no-credentials', 'identity/credentials-expired', 'identity/credentials-invalid', 'identity/assume-role-failed'],
  async run({ facts, options, target, signal, once }) {
    const [{ awsClients }, { getSdkIdentity }, { pluginEnvironment }] = await Promise.all([
      import('../../facts/aws-clients.js'),
      import('../../facts/aws-identity.js'),
      import('../../facts/exec-credential.js'),
    ]);
    const kc = facts.kubeconfig!;
    const plugin = kc.plugin;
    const region = options.region ?? target.region ?? options.env.AWS_REGION ?? options.env.AWS_DEFAULT_REGION;
    if (!region) return { findings: [], halt: 'no AWS region: the exec plugin names none; pass --region' };
    target.region = region;
    const env = kc.user.exec ? pluginEnvironment(options.env, kc.user.exec) : options.env;
    // An explicit --profile (ours or the plugin's) disables env keys, as the AWS CLI's --profile does.
    const profile = options.profile ?? (plugin?.profileSource === 'args' ? plugin.profile : undefined);
    const roleArn = options.principal ? undefined : plugin?.roleArn;
    const clients = awsClients({ region, profile, env, roleArn });
    facts.aws = clients;
    facts.awsKey = JSON.stringify([region, profile, roleArn, envFingerprint(env)]);
    if (clients.profile) target.profile ??= clients.profile;

    const id = await once(`sdk-identity:${facts.awsKey}`, () => getSdkIdentity(clients, { signal }));
    if (id.ok) {
      facts.sdkIdentity = { arn: id.arn, principalArn: id.principalArn, accountId: id.accountId, userId: id.userId, source: 'sdk' };
      return { findings: [] };
    }
    const evidence = { profile: id.profile ?? clients.profile, code: id.code, message: id.message };
    const finding = ((): Finding | undefined => {
      switch (id.problem) {
        case 'no-credentials':
          return { rule: 'identity/no-credentials', evidence };
        case 'credentials-expired':
        case 'sso-expired':
          return { rule: 'identity/credentials-expired', evidence: { ...evidence, sso: id.problem === 'sso-expired' } };
        case 'credentials-invalid':
          return { rule: 'identity/credentials-invalid', evidence };
        case 'assume-role-failed':
          return { rule: 'identity/assume-role-failed', evidence: { ...evidence, roleArn: id.roleArn ?? plugin?.roleArn } };
        default:
          return undefined; // profile-not-found is the exec-plugin check's finding; unreachable/other is the reason below
      }
    })();
    return { findings: finding ? [finding] : [], halt: `${id.problem}: ${id.message}` };
  },
};
