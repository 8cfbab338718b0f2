/**
 * AWS SDK clients for one run, with credentials resolved the way the kubeconfig's exec plugin
 * (`aws eks get-token`) resolves them, from the run's own environment object.
 *
 * Why not `fromNodeProviderChain`: the SDK's providers and endpoint loaders read `process.env`, while
 * a run may resolve against an isolated env (`demo`, tests). So every input is taken from `env` and
 * passed explicitly: endpoints (AWS_ENDPOINT_URL[_<SERVICE>]), shared file paths
 * (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE / HOME), the profile, env keys, web identity and
 * container variables. What the SDK still reads from process.env: the SSO token cache directory
 * (~/.aws/sso/cache via HOME), IMDS endpoint settings, and the env of a `credential_process`.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { envFingerprint } from '../../shared/digest.js';
import { credentialChain, memoizeCredentials, type AwsCredentials, type CredentialOrigin } from './credentials.js';
import { AssumeRoleError } from './errors.js';
import { boundedHttpHandler } from './http.js';

export interface AwsClientsOptions {
  region: string;
  /**
   * An explicit profile (`--profile` in the exec args or on eksdoctor's command line). Like the AWS
   * CLI's `--profile`, it disables env keys. A profile set only through `AWS_PROFILE` goes in `env`:
   * botocore then still prefers AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY when they are set.
   */
  profile?: string;
  /** The environment the run resolves against; merge the exec plugin's `env` into it before calling. */
  env: NodeJS.ProcessEnv;
  /** Accepted for symmetry with per-request calls; clients are shared, so signals go on each `send`. */
  signal?: AbortSignal;
  /** exec `--role-arn`: assume this role on top of the resolved credentials, as `aws eks get-token` does. */
  roleArn?: string;
  /** exec `--session-name`; `aws eks get-token` defaults to `EKSGetTokenAuth`. */
  roleSessionName?: string;
}

export interface AwsEndpoints {
  sts?: string;
  eks?: string;
  logs?: string;
}

export interface AwsClients {
  readonly region: string;
  /** The profile in use: the explicit one, else AWS_PROFILE / AWS_DEFAULT_PROFILE from env (when env keys don't win). */
  readonly profile?: string;
  readonly roleArn?: string;
  readonly endpoints: AwsEndpoints;
  /** Clients signing with the effective credentials (the assumed role when `roleArn` is set). */
  readonly sts: STSClient;
  readonly eks: EKSClient;
  readonly logs: CloudWatchLogsClient;
  /** STS signing with the source credentials (before `--role-arn`): the one that calls AssumeRole. */
  readonly sourceSts: STSClient;
  /** The effective credentials (memoized until 5 minutes before they expire). Rejects with the provider's or STS's error. */
  credentials(): Promise<AwsCredentials>;
  /** Where the effective credentials came from; undefined until they were resolved once. */
  credentialOrigin(): CredentialOrigin | undefined;
  /**
   * A client of another service (CloudTrail, IAM) on the same credentials, handler and retry policy,
   * made once per client set. The caller imports that service's SDK, so only runs that need it load it.
   */
  serviceClient<C>(serviceId: ServiceId, make: (config: ServiceClientConfig) => C): C;
}

/** Services whose clients are made on demand (`AWS_ENDPOINT_URL_<ID>` names their endpoint). */
export type ServiceId = 'CLOUDTRAIL' | 'IAM';

/** What every client of a run shares; `endpoint` is the service's from the environment, if any. */
export interface ServiceClientConfig {
  region: string;
  endpoint?: string;
  credentials: () => Promise<AwsCredentials>;
  maxAttempts: number;
  retryMode: 'standard';
  useFipsEndpoint: boolean;
  useDualstackEndpoint: boolean;
  requestHandler: ReturnType<typeof boundedHttpHandler>;
}

/** SDK defaults are long (no request timeout at all): a hung endpoint must surface within the run's bound. */
const CONNECTION_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** awscli customizations/eks/get_token.py _get_role_credentials: default RoleSessionName. */
export const GET_TOKEN_SESSION_NAME = 'EKSGetTokenAuth';

// One keep-alive agent pair for every client of the process: STS, EKS and Logs share connections.
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 50 });
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 50 });

/**
 * One client set per distinct configuration: the AWS_* variables and HOME of the env, region, profile and
 * role. Keyed by content, not by the env object, so callers may rebuild `{ ...env, ...execEnv }` freely.
 */
const cache = new Map<string, AwsClients>();

/** The run's clients for (env, region, profile, role), created on first use and shared afterwards. */
export function awsClients(opts: AwsClientsOptions): AwsClients {
  const key = cacheKey(opts);
  let clients = cache.get(key);
  if (!clients) cache.set(key, (clients = createClients(opts)));
  return clients;
}

/** Forgets cached clients: those of one env's configuration, or all (tests; a long-lived process between runs). */
export function resetAwsClients(env?: NodeJS.ProcessEnv): void {
  if (!env) {
    cache.clear();
    return;
  }
  const prefix = envFingerprint(env);
  for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
}

function cacheKey(opts: AwsClientsOptions): string {
  return `${envFingerprint(opts.env)}:${[opts.region, opts.profile ?? '', opts.roleArn ?? '', opts.roleSessionName ?? ''].join('\u0000')}`;
}

/** AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true disables both (SDK §endpoints). */
export function endpointFromEnv(env: NodeJS.ProcessEnv, serviceId: 'STS' | 'EKS' | 'CLOUDWATCH_LOGS' | ServiceId): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  return env[`AWS_ENDPOINT_URL_${serviceId}`] || env.AWS_ENDPOINT_URL || undefined;
}

function createClients(opts: AwsClientsOptions): AwsClients {
  const { env, region } = opts;
  const endpoints: AwsEndpoints = {
    sts: endpointFromEnv(env, 'STS'),
    eks: endpointFromEnv(env, 'EKS'),
    logs: endpointFromEnv(env, 'CLOUDWATCH_LOGS'),
  };
  const chain = credentialChain(env, opts.profile, region, endpoints.sts);
  const common = {
    region,
    maxAttempts: 3,
    retryMode: 'standard',
    useFipsEndpoint: (env.AWS_USE_FIPS_ENDPOINT ?? '').toLowerCase() === 'true',
    useDualstackEndpoint: (env.AWS_USE_DUALSTACK_ENDPOINT ?? '').toLowerCase() === 'true',
    requestHandler: boundedHttpHandler({ httpsAgent, httpAgent, connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }),
  } as const;

  let sourceSts: STSClient | undefined;
  const getSourceSts = () => (sourceSts ??= new STSClient({ ...common, endpoint: endpoints.sts, credentials: chain.provider }));

  let assumedOrigin: CredentialOrigin | undefined;
  const effective = opts.roleArn
    ? memoizeCredentials(async () => {
        const roleArn = opts.roleArn!;
        await chain.provider(); // source-credential failures surface as themselves, not as AssumeRole failures
        let out;
        try {
          out = await getSourceSts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: opts.roleSessionName ?? GET_TOKEN_SESSION_NAME }));
        } catch (err) {
          throw new AssumeRoleError(roleArn, err);
        }
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new AssumeRoleError(roleArn, new Error('AssumeRole returned no credentials'));
        const origin = chain.origin();
        assumedOrigin = origin ? { ...origin, assumedRoleArn: roleArn } : undefined;
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
      })
    : chain.provider;

  let sts: STSClient | undefined;
  let eks: EKSClient | undefined;
  let logs: CloudWatchLogsClient | undefined;
  const others = new Map<ServiceId, unknown>();
  return {
    region,
    profile: chain.profile,
    roleArn: opts.roleArn,
    endpoints,
    get sourceSts() {
      return getSourceSts();
    },
    get sts() {
      if (!opts.roleArn) return getSourceSts();
      return (sts ??= new STSClient({ ...common, endpoint: endpoints.sts, credentials: effective }));
    },
    get eks() {
      return (eks ??= new EKSClient({ ...common, endpoint: endpoints.eks, credentials: effective }));
    },
    get logs() {
      return (logs ??= new CloudWatchLogsClient({ ...common, endpoint: endpoints.logs, credentials: effective }));
    },
    credentials: () => effective(),
    credentialOrigin: () => (opts.roleArn ? assumedOrigin : chain.origin()),
    serviceClient<C>(serviceId: ServiceId, make: (config: ServiceClientConfig) => C): C {
      if (!others.has(serviceId)) others.set(serviceId, make({ ...common, endpoint: endpointFromEnv(env, serviceId), credentials: effective }));
      return others.get(serviceId) as C;
    },
  };
}
