import { finding } from '../../rules/index.js';
import { envFingerprint } from '../../shared/digest.js';
import { defineCheck } from '../types.js';

/**
 * Who the AWS credential chain says you are, resolved as the exec plugin resolves it (its profile,
 * env and --role-arn). The clients built here are the run's working credentials for every AWS read.
 */
export const awsIdentityCheck = defineCheck({
  id: 'aws-identity',
  title: 'AWS credentials',
  dependsOn: ['kubeconfig'],
  waitsFor: ['token'],
  emits: ['identity/no-credentials', 'identity/credentials-expired', 'identity/credentials-invalid', 'identity/assume-role-failed', 'identity/mfa-required'],
  async run({ facts, options, target, signal, once, finished }) {
    const [{ awsClients }, { getSdkIdentity }, { pluginEnvironment }] = await Promise.all([
      import('../../facts/aws/clients.js'),
      import('../../facts/aws-identity.js'),
      import('../../facts/exec-credential.js'),
    ]);
    const kc = facts.kubeconfig!;
    const plugin = kc.plugin;
    // The cluster's own region (endpoint host, cluster ARN) before the exec plugin's: AWS calls must find the cluster (SPEC §5).
    const region = options.region ?? kc.clusterRegion ?? target.region ?? options.env.AWS_REGION ?? options.env.AWS_DEFAULT_REGION;
    if (!region) return { findings: [], halt: 'no AWS region: the kubeconfig names none; pass --region' };
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
    const failure = { profile: id.profile ?? clients.profile, code: id.code, message: id.message };
    const halt = `${id.problem}: ${id.message}`;
    // kubectl presents a credential that is not an IAM identity (a client certificate, a service-account
    // token): AWS credentials are then only for reading the cluster, and having none is not a problem.
    if (id.problem === 'no-credentials' && !options.principal) {
      await finished('token');
      if (facts.credential && !facts.iamCredential) return { findings: [], skip: 'the kubeconfig credential is not an IAM identity, and no AWS credentials are configured to read the cluster' };
    }
    switch (id.problem) {
      case 'no-credentials':
        return { findings: [finding('identity/no-credentials', failure)], halt };
      case 'credentials-expired':
      case 'sso-expired':
        return { findings: [finding('identity/credentials-expired', { ...failure, sso: id.problem === 'sso-expired' })], halt };
      case 'credentials-invalid':
        return { findings: [finding('identity/credentials-invalid', failure)], halt };
      case 'assume-role-failed':
        return { findings: [finding('identity/assume-role-failed', { ...failure, roleArn: id.roleArn ?? plugin?.roleArn ?? '(unknown role)' })], halt };
      case 'mfa-required': {
        // The AWS CLI caches an MFA role session (~/.aws/cli/cache) that the SDK does not read: when the
        // exec plugin still got a token, kubectl works and only eksdoctor's own AWS reads cannot run.
        await finished('token');
        if (facts.execIdentity) return { findings: [], halt: `the SDK cannot answer profile ${failure.profile ?? ''}'s MFA prompt; pass --profile with credentials eksdoctor can read` };
        return { findings: [finding('identity/mfa-required', { profile: failure.profile ?? 'default' })], halt };
      }
      default:
        // profile-not-found is the exec-plugin check's finding; unreachable and other are the reason.
        return { findings: [], halt };
    }
  },
});
