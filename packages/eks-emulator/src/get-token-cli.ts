/**
 * `eksdoctor-aws [--region R] eks get-token --cluster-name C [--role-arn A] [--output json]`: a
 * stand-in for `aws eks get-token` (awscli customizations/eks/get_token.py, as aws CLI v1 runs it) so
 * kubeconfigs written by the emulator work without the AWS CLI. Same arguments, same ExecCredential,
 * the same token byte for byte. The region is `--region`, else AWS_DEFAULT_REGION, else the profile's
 * `region` (aws CLI v1 / botocore 1.x; aws CLI v2 reads AWS_REGION before AWS_DEFAULT_REGION); the
 * profile is `--profile`, else AWS_DEFAULT_PROFILE, else AWS_PROFILE.
 */
import { SharedConfig } from './aws-shared-config.js';
import { CommandError, parseGetTokenArgs, UsageError, type GetTokenArgs } from './get-token/cli-args.js';
import { presignGetCallerIdentity, stsEndpointFor, tokenOf, type Credentials } from './get-token/presign.js';
import { PLUGIN_API_VERSION_ENV } from './scenario.js';

export { parseGetTokenArgs, UsageError, CommandError, type GetTokenArgs };

/** get_token.py: TOKEN_EXPIRATION_MINS = 14, formatted `%Y-%m-%dT%H:%M:%SZ`. */
const TOKEN_EXPIRATION_MINS = 14;
const V1_API = 'client.authentication.k8s.io/v1';
const BETA_API = 'client.authentication.k8s.io/v1beta1';
const ALPHA_API = 'client.authentication.k8s.io/v1alpha1';

/** get_token.py discover_api_version: KUBERNETES_EXEC_INFO's apiVersion when supported, else v1beta1, with its messages. */
export function discoverApiVersion(env: NodeJS.ProcessEnv): { apiVersion: string; warning?: string } {
  const raw = env.KUBERNETES_EXEC_INFO;
  if (!raw) return { apiVersion: BETA_API };
  let info: unknown;
  try {
    info = JSON.parse(raw);
  } catch {
    return {
      apiVersion: BETA_API,
      warning: `Error parsing KUBERNETES_EXEC_INFO, defaulting to ${BETA_API}. This is likely a bug in your Kubernetes client. Please update your Kubernetes client.`,
    };
  }
  const apiVersion = info && typeof info === 'object' ? (info as { apiVersion?: unknown }).apiVersion : undefined;
  if (apiVersion === V1_API || apiVersion === BETA_API) return { apiVersion };
  if (apiVersion === ALPHA_API) return { apiVersion, warning: `Kubeconfig user entry is using deprecated API version ${ALPHA_API}. Run 'aws eks update-kubeconfig' to update.` };
  return { apiVersion: BETA_API, warning: `Unrecognized API version in KUBERNETES_EXEC_INFO, defaulting to ${BETA_API}. This is likely due to an outdated AWS CLI. Please update your AWS CLI.` };
}

/** botocore.exceptions.ProfileNotFound: the CLI checks the profile before it looks for credentials. */
export class ProfileNotFound extends Error {
  constructor(profile: string) {
    super(`The config profile (${profile}) could not be found`);
  }
}

/**
 * botocore's chain: with --profile the environment's keys are skipped; with AWS_PROFILE they still come
 * first. A profile with static keys is read here; only other kinds load the SDK's chain (kubectl runs
 * this for every token, and the chain's modules are most of the start-up time of a presign).
 */
async function credentialsFor(args: GetTokenArgs, profile: string | undefined, env: NodeJS.ProcessEnv, shared: SharedConfig): Promise<Credentials> {
  if (args.profile === undefined && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
  }
  const keys = shared.staticCredentialsOf(profile ?? 'default');
  if (keys) return keys;
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  const c = await fromNodeProviderChain(profile ? { profile } : {})();
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
}

export async function getToken(args: GetTokenArgs, env: NodeJS.ProcessEnv = process.env, now = new Date()): Promise<Record<string, unknown>> {
  const shared = new SharedConfig(env);
  const profile = args.profile ?? env.AWS_DEFAULT_PROFILE ?? env.AWS_PROFILE;
  if (profile !== undefined && !shared.hasProfile(profile)) throw new ProfileNotFound(profile);
  const region = args.region ?? env.AWS_DEFAULT_REGION ?? shared.regionOf(profile ?? 'default');
  const endpoint = stsEndpointFor(region, args.endpointUrl ? { ...env, AWS_ENDPOINT_URL_STS: args.endpointUrl } : env);
  let credentials = await credentialsFor(args, profile, env, shared);
  if (args.roleArn) {
    const { AssumeRoleCommand, STSClient } = await import('@aws-sdk/client-sts');
    const sts = new STSClient({ region: endpoint.signingRegion, endpoint: `${endpoint.protocol}//${endpoint.host}`, credentials });
    try {
      const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: args.roleArn, RoleSessionName: args.sessionName ?? 'EKSGetTokenAuth' }));
      const c = assumed.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
      credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    } finally {
      sts.destroy();
    }
  }
  const url = await presignGetCallerIdentity({ credentials, endpoint, k8sAwsId: (args.clusterId ?? args.clusterName)!, now });
  const expiration = new Date(now.getTime() + TOKEN_EXPIRATION_MINS * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    kind: 'ExecCredential',
    // An emulated AWS CLI < 1.24.0 / < 2.7.0 answers a fixed apiVersion whatever kubectl asks (scenario kubeconfig.pluginReturns).
    apiVersion: env[PLUGIN_API_VERSION_ENV] || discoverApiVersion(env).apiVersion,
    spec: {},
    status: { expirationTimestamp: expiration, token: tokenOf(url) },
  };
}

/** Exit codes as the AWS CLI: 252 usage, 255 any other failure (and 1 for get_token.py's returned ValueError). */
export async function main(argv: string[]): Promise<number> {
  let args: GetTokenArgs;
  try {
    args = parseGetTokenArgs(argv);
  } catch (e) {
    process.stderr.write(`${e instanceof CommandError && e.exitCode === 255 ? '\n' : ''}${(e as Error).message}\n`);
    return e instanceof UsageError || e instanceof CommandError ? e.exitCode : 255;
  }
  const warning = discoverApiVersion(process.env).warning;
  if (warning) process.stderr.write(warning + '\n');
  try {
    const credential = await getToken(args);
    process.stdout.write(JSON.stringify(credential, null, 4) + '\n');
    return 0;
  } catch (e) {
    process.stderr.write(`\n${describeFailure(e)}\n`);
    return 255;
  }
}

/** The AWS CLI's wording for the failures a kubeconfig user meets (awscli clidriver / botocore exceptions). */
export function describeFailure(e: unknown): string {
  const err = e as Error & { $metadata?: unknown };
  if (err instanceof ProfileNotFound) return err.message;
  if (err.name === 'CredentialsProviderError') {
    return /profile/i.test(err.message) && /not (be )?found|could not/i.test(err.message)
      ? err.message
      : 'Unable to locate credentials. You can configure credentials by running "aws configure".';
  }
  if (/region is missing/i.test(err.message ?? '')) return 'You must specify a region. You can also configure your region by running "aws configure".';
  if (err.$metadata !== undefined) return `An error occurred (${err.name}) when calling the AssumeRole operation: ${err.message}`;
  return err.message ?? String(e);
}
