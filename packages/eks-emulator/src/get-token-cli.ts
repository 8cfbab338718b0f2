/**
 * `eksdoctor-aws [--region R] eks get-token --cluster-name C [--role-arn A] [--output json]`:
 * a stand-in for `aws eks get-token` (awscli customizations/eks/get_token.py) so kubeconfigs
 * written by the emulator work without the AWS CLI. Same arguments, same ExecCredential output,
 * credentials from the SDK's default chain (AWS_PROFILE, shared files, AWS_ENDPOINT_URL[_STS]).
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { presignEksToken } from '../../../src/facts/eks-token.js';
import { PLUGIN_API_VERSION_ENV } from './scenario.js';

/** get_token.py: TOKEN_EXPIRATION_MINS = 14, formatted `%Y-%m-%dT%H:%M:%SZ`. */
const TOKEN_EXPIRATION_MINS = 14;
const BETA_API = 'client.authentication.k8s.io/v1beta1';
const KNOWN_API_VERSIONS = ['client.authentication.k8s.io/v1', BETA_API, 'client.authentication.k8s.io/v1alpha1'];

export interface GetTokenArgs {
  region?: string;
  profile?: string;
  clusterName?: string;
  clusterId?: string;
  roleArn?: string;
  output?: string;
}

export class UsageError extends Error {}

/** Global options may come before or after `eks get-token`, as with the AWS CLI. */
export function parseGetTokenArgs(argv: string[]): GetTokenArgs {
  const args: GetTokenArgs = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`argument ${flag}: expected one argument`);
      return v;
    };
    switch (flag) {
      case '--region':
        args.region = value();
        break;
      case '--profile':
        args.profile = value();
        break;
      case '--cluster-name':
        args.clusterName = value();
        break;
      case '--cluster-id':
        args.clusterId = value();
        break;
      case '--role-arn':
      case '--role': // update-kubeconfig writes the argparse prefix `--role`
        args.roleArn = value();
        break;
      case '--output':
        args.output = value();
        break;
      case '--debug':
      case '--no-verify-ssl':
        break;
      default:
        if (flag.startsWith('--')) throw new UsageError(`Unknown options: ${flag}`);
        positionals.push(a);
    }
  }
  if (positionals[0] !== 'eks' || positionals[1] !== 'get-token' || positionals.length !== 2) {
    throw new UsageError(`usage: eksdoctor-aws [--region R] eks get-token --cluster-name C [--role-arn A] [--output json]`);
  }
  if (args.clusterName && args.clusterId) throw new UsageError('cannot specify both --cluster-name and --cluster-id');
  if (!args.clusterName && !args.clusterId) throw new UsageError('Either parameter --cluster-name or --cluster-id must be specified.');
  return args;
}

/** get_token.py discover_api_version: KUBERNETES_EXEC_INFO's apiVersion when known, else v1beta1. */
export function discoverApiVersion(env: NodeJS.ProcessEnv): { apiVersion: string; warning?: string } {
  const raw = env.KUBERNETES_EXEC_INFO;
  if (!raw) return { apiVersion: BETA_API };
  try {
    const info = JSON.parse(raw) as { apiVersion?: unknown };
    if (typeof info.apiVersion === 'string' && KNOWN_API_VERSIONS.includes(info.apiVersion)) return { apiVersion: info.apiVersion };
    return { apiVersion: BETA_API, warning: `Unrecognized API version in KUBERNETES_EXEC_INFO, falling back to ${BETA_API}` };
  } catch {
    return { apiVersion: BETA_API, warning: 'Error parsing KUBERNETES_EXEC_INFO, defaulting to ' + BETA_API };
  }
}

/** The STS host the token presigns: the configured endpoint (AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL) or the regional one. */
function stsHostFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL;
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

export async function getToken(args: GetTokenArgs, env: NodeJS.ProcessEnv = process.env, now = new Date()): Promise<Record<string, unknown>> {
  const profile = args.profile ?? env.AWS_PROFILE;
  const sts = new STSClient({ ...(args.region ? { region: args.region } : {}), ...(profile ? { profile } : {}) });
  const region = await sts.config.region();
  let credentials = await fromNodeProviderChain(profile ? { profile } : {})();
  if (args.roleArn) {
    const assumed = await new STSClient({ region, credentials }).send(
      new AssumeRoleCommand({ RoleArn: args.roleArn, RoleSessionName: 'EKSGetTokenAuth' }),
    );
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  }
  const token = await presignEksToken({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
    region,
    clusterName: (args.clusterName ?? args.clusterId)!,
    stsHost: stsHostFromEnv(env),
    now,
  });
  const expiration = new Date(now.getTime() + TOKEN_EXPIRATION_MINS * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    kind: 'ExecCredential',
    // An emulated AWS CLI < 1.24.0 / < 2.7.0 answers a fixed apiVersion whatever kubectl asks (scenario kubeconfig.pluginReturns).
    apiVersion: env[PLUGIN_API_VERSION_ENV] || discoverApiVersion(env).apiVersion,
    spec: {},
    status: { expirationTimestamp: expiration, token },
  };
}

/** Exit codes as the AWS CLI: 252 usage, 255 any other failure. */
export async function main(argv: string[]): Promise<number> {
  let args: GetTokenArgs;
  try {
    args = parseGetTokenArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 252;
  }
  const warning = discoverApiVersion(process.env).warning;
  if (warning) process.stderr.write(warning + '\n');
  try {
    const missing = await missingProfile(args.profile ?? process.env.AWS_PROFILE, process.env);
    if (missing) throw new ProfileNotFound(missing);
    const credential = await getToken(args);
    process.stdout.write(JSON.stringify(credential, null, 4) + '\n');
    return 0;
  } catch (e) {
    process.stderr.write(`\n${describeFailure(e)}\n`);
    return 255;
  }
}

/** botocore.exceptions.ProfileNotFound: the CLI checks the profile before it looks for credentials. */
export class ProfileNotFound extends Error {
  constructor(profile: string) {
    super(`The config profile (${profile}) could not be found`);
  }
}

/** The named profile when neither shared file defines it. */
async function missingProfile(profile: string | undefined, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (!profile) return undefined;
  const { listAwsProfiles } = await import('../../../src/facts/aws-profiles.js');
  return (await listAwsProfiles(env)).names.includes(profile) ? undefined : profile;
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
