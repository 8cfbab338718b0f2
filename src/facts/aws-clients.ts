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
import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EKSClient } from '@aws-sdk/client-eks';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  fromContainerMetadata,
  fromHttp,
  fromIni,
  fromInstanceMetadata,
  fromSSO,
  fromTokenFile,
} from '@aws-sdk/credential-providers';
import { CredentialsProviderError, loadSharedConfigFiles } from '@smithy/core/config';
import { redactText, registerSecret } from '../shared/redact.js';
import { boundedHttpHandler } from './aws-http.js';

/** Credentials as the SDK hands them to signers. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Where the credentials came from, as far as the SDK lets us know. */
export type CredentialSource = 'env' | 'profile' | 'sso' | 'process' | 'web-identity' | 'container' | 'instance-metadata';

export interface CredentialOrigin {
  source: CredentialSource;
  /** The shared-config profile the credentials were read from (sources `profile`, `sso`, `process`, profile web identity). */
  profile?: string;
  /** The profile itself assumes a role (`role_arn` + `source_profile`/`credential_source`). */
  profileAssumesRole?: boolean;
  /** Set when the run assumed this role (exec `--role-arn`) on top of the source credentials. */
  assumedRoleArn?: string;
}

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
}

/** Raised by the `--role-arn` step so callers can tell an AssumeRole failure from a source-credentials failure. */
export class AssumeRoleError extends Error {
  override readonly name = 'AssumeRoleError';
  constructor(
    readonly roleArn: string,
    override readonly cause: unknown,
  ) {
    super(`AssumeRole ${roleArn} failed: ${errorMessage(cause)}`);
  }
}

/** SDK defaults are long (no request timeout at all): a hung endpoint must surface within the run's bound. */
const CONNECTION_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** IMDS/container metadata: short, so a laptop without IMDS fails fast (the SDK default is 1 s × 3 tries). */
const METADATA_TIMEOUT_MS = 1_000;
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
  const prefix = envDigest(env);
  for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
}

function cacheKey(opts: AwsClientsOptions): string {
  return `${envDigest(opts.env)}:${[opts.region, opts.profile ?? '', opts.roleArn ?? '', opts.roleSessionName ?? ''].join('\u0000')}`;
}

/** A digest (not the values: they include secrets) of what credential and endpoint resolution read from env. */
function envDigest(env: NodeJS.ProcessEnv): string {
  const relevant = Object.entries(env)
    .filter(([k, v]) => v !== undefined && (k.startsWith('AWS_') || k === 'HOME' || k === 'USERPROFILE'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex');
}

/** AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true disables both (SDK §endpoints). */
export function endpointFromEnv(env: NodeJS.ProcessEnv, serviceId: 'STS' | 'EKS' | 'CLOUDWATCH_LOGS'): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  return env[`AWS_ENDPOINT_URL_${serviceId}`] || env.AWS_ENDPOINT_URL || undefined;
}

export function sharedConfigPaths(env: NodeJS.ProcessEnv): { configFilepath: string; filepath: string } {
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    configFilepath: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    filepath: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
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
  };
}

type Provider = () => Promise<AwsCredentials>;

interface CredentialChain {
  provider: Provider;
  origin(): CredentialOrigin | undefined;
  profile?: string;
}

/**
 * botocore's order, the one `aws eks get-token` follows (credentials.py create_credential_resolver):
 * env keys (skipped for an explicit `--profile`); the profile's `role_arn` or `web_identity_token_file`;
 * web identity from env (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, also skipped for `--profile`); the
 * profile's SSO, static keys or `credential_process`; container credentials; instance metadata.
 * The profile is `--profile`, else AWS_PROFILE / AWS_DEFAULT_PROFILE, else `default` (which may be absent).
 */
function credentialChain(env: NodeJS.ProcessEnv, explicitProfile: string | undefined, region: string, stsEndpoint: string | undefined): CredentialChain {
  const paths = sharedConfigPaths(env);
  const envProfile = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || undefined;
  const hasEnvKeys = Boolean(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
  const profile = explicitProfile ?? (hasEnvKeys ? undefined : envProfile);
  let origin: CredentialOrigin | undefined;
  // Nested clients (AssumeRole of a role profile, web identity) go to the same STS endpoint as ours.
  const clientConfig = { region, ...(stsEndpoint && { endpoint: stsEndpoint }) };

  const steps: Array<() => Promise<AwsCredentials | undefined>> = [];
  if (!explicitProfile && hasEnvKeys) {
    steps.push(async () => {
      origin = { source: 'env' };
      const expiry = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
      return {
        accessKeyId: env.AWS_ACCESS_KEY_ID!,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
        ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
        ...(expiry && !Number.isNaN(expiry.getTime()) && { expiration: expiry }),
      };
    });
  }
  const envWebIdentity = !explicitProfile && env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN
    ? async (): Promise<AwsCredentials> => {
        const creds = await fromTokenFile({
          webIdentityTokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE,
          roleArn: env.AWS_ROLE_ARN,
          roleSessionName: env.AWS_ROLE_SESSION_NAME || `botocore-session-${Math.floor(Date.now() / 1000)}`,
          clientConfig,
        })();
        origin = { source: 'web-identity' };
        return creds;
      }
    : undefined;
  if (!hasEnvKeys || explicitProfile) {
    const name = profile ?? 'default';
    const named = Boolean(profile);
    let loaded: Promise<ProfileKind | undefined> | undefined;
    const load = () =>
      (loaded ??= loadSharedConfigFiles({ ...paths, ignoreCache: true }).then((files) => {
        const inConfig = files.configFile?.[name];
        const inCredentials = files.credentialsFile?.[name];
        // botocore: a named profile that does not exist is an error (ProfileNotFound); `default` may be absent.
        if (!inConfig && !inCredentials) {
          if (named) throw new ProfileNotFoundError(name, paths);
          return undefined;
        }
        return profileKind({ ...(inConfig ?? {}), ...(inCredentials ?? {}) });
      }));
    const fromProfile = async (kind: ProfileKind) => {
      // credential-provider-ini does not pass the file paths on to fromSSO: call it directly.
      const creds = kind.type === 'sso'
        ? await fromSSO({ profile: name, ...paths, ignoreCache: true })() // its SSO client takes sso_region, not ours
        : await fromIni({ profile: name, ...paths, ignoreCache: true, clientConfig })();
      origin = { source: sourceFromFeatures(creds, 'profile'), profile: name, ...(kind.type === 'assume-role' && { profileAssumesRole: true }) };
      return creds;
    };
    // botocore order: the profile's role_arn / web identity, then web identity from env, then the profile's SSO,
    // static keys and credential_process (credentials.py create_credential_resolver, ProfileProviderBuilder).
    steps.push(async () => {
      const kind = await load();
      return kind && (kind.type === 'assume-role' || kind.type === 'web-identity') ? fromProfile(kind) : undefined;
    });
    if (envWebIdentity) steps.push(envWebIdentity);
    steps.push(async () => {
      const kind = await load();
      // A profile without credentials (only a region, say): botocore moves on to container/IMDS.
      return kind && kind.type !== 'assume-role' && kind.type !== 'web-identity' && kind.type !== 'none' ? fromProfile(kind) : undefined;
    });
  } else if (envWebIdentity) {
    steps.push(envWebIdentity);
  }
  const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (relative || full) {
    steps.push(async () => {
      const init = {
        awsContainerCredentialsRelativeUri: relative,
        awsContainerCredentialsFullUri: full,
        awsContainerAuthorizationToken: env.AWS_CONTAINER_AUTHORIZATION_TOKEN,
        awsContainerAuthorizationTokenFile: env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE,
        timeout: METADATA_TIMEOUT_MS,
        maxRetries: 1,
      };
      let creds: AwsCredentials;
      try {
        creds = await fromHttp(init)();
      } catch {
        creds = await fromContainerMetadata({ timeout: METADATA_TIMEOUT_MS, maxRetries: 1 })();
      }
      origin = { source: 'container' };
      return creds;
    });
  } else if (!['true', '1'].includes((env.AWS_EC2_METADATA_DISABLED ?? '').toLowerCase())) {
    steps.push(async () => {
      const creds = await fromInstanceMetadata({ timeout: METADATA_TIMEOUT_MS, maxRetries: 0 })();
      origin = { source: 'instance-metadata' };
      return creds;
    });
  }

  const resolveChain: Provider = async () => {
    let last: unknown;
    for (const step of steps) {
      try {
        const creds = await step();
        if (creds) return creds;
      } catch (err) {
        // Like the SDK's chain: a provider error flagged tryNextLink=false (SSO expiry, a broken profile) stops here.
        if (err instanceof ProfileNotFoundError || (err as { tryNextLink?: boolean })?.tryNextLink === false) throw err;
        if (!(err instanceof CredentialsProviderError) && (err as Error)?.name !== 'CredentialsProviderError') throw err;
        last = err;
      }
    }
    throw new CredentialsProviderError(
      `Could not load credentials from any providers${last ? ` (last: ${errorMessage(last)})` : ''}`,
      { tryNextLink: false },
    );
  };
  return { provider: memoizeCredentials(resolveChain), origin: () => origin, profile };
}

interface ProfileKind {
  type: 'assume-role' | 'web-identity' | 'sso' | 'static' | 'process' | 'login' | 'none';
}

/** What a shared-config profile holds, in credential-provider-ini's terms (resolveProfileData). */
function profileKind(p: Record<string, unknown>): ProfileKind {
  const has = (k: string) => typeof p[k] === 'string';
  if (has('role_arn') && (has('source_profile') || has('credential_source'))) return { type: 'assume-role' };
  if (has('role_arn') && has('web_identity_token_file')) return { type: 'web-identity' };
  if (has('aws_access_key_id') && has('aws_secret_access_key')) return { type: 'static' };
  if (has('credential_process')) return { type: 'process' };
  if (['sso_start_url', 'sso_session', 'sso_account_id', 'sso_role_name', 'sso_region'].some(has)) return { type: 'sso' };
  if (has('login_session')) return { type: 'login' };
  return { type: 'none' };
}

export class ProfileNotFoundError extends Error {
  override readonly name = 'ProfileNotFoundError';
  constructor(
    readonly profile: string,
    readonly files: { configFilepath: string; filepath: string },
  ) {
    // botocore ProfileNotFound wording.
    super(`The config profile (${profile}) could not be found`);
  }
}

/** credential-provider-* tag credentials with `$source` feature IDs (@aws-sdk/core setCredentialFeature). */
function sourceFromFeatures(creds: object, fallback: CredentialSource): CredentialSource {
  const features = Object.keys((creds as { $source?: Record<string, string> }).$source ?? {});
  const has = (re: RegExp) => features.some((f) => re.test(f));
  if (has(/SSO/)) return 'sso';
  if (has(/PROCESS/)) return 'process';
  if (has(/WEB_ID/)) return 'web-identity';
  if (has(/^CREDENTIALS_HTTP$|CONTAINER/)) return 'container';
  if (has(/IMDS/)) return 'instance-metadata';
  return fallback;
}

/** Shares one in-flight resolution; keeps success until 5 min before expiry; never caches a failure. */
function memoizeCredentials(resolve: Provider): Provider {
  let current: Promise<AwsCredentials> | undefined;
  return () => {
    if (current) return current;
    const p = resolve().then(
      (creds) => {
        // Whatever the source (file, process, SSO, STS), these values must never be printed (SPEC §7).
        registerSecret(creds.secretAccessKey);
        registerSecret(creds.sessionToken);
        if (creds.expiration && creds.expiration.getTime() - Date.now() < 5 * 60_000) current = undefined;
        return creds;
      },
      (err) => {
        current = undefined;
        throw err;
      },
    );
    current = p;
    return p;
  };
}

// ---------------------------------------------------------------------------------------------
// Error classification shared by identity, cluster and other AWS fact gatherers.

export type AwsErrorKind =
  | 'no-credentials'
  | 'mfa-required'
  | 'profile-not-found'
  | 'sso-expired'
  | 'credentials-expired'
  | 'credentials-invalid'
  | 'denied'
  | 'not-found'
  | 'throttled'
  | 'unreachable'
  | 'other';

export interface ClassifiedAwsError {
  kind: AwsErrorKind;
  /** Error name/code as the SDK reports it (`ExpiredToken`, `AccessDeniedException`, `ECONNREFUSED`, …). */
  code: string;
  status?: number;
  /** Redacted, one line. */
  message: string;
}

// STS (awsQuery) codes are bare: "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation:
// The security token included in the request is expired" (prowler-cloud/prowler#789); REST-JSON services (EKS)
// answer `ExpiredTokenException`, `UnrecognizedClientException`, `InvalidSignatureException`, `AccessDeniedException`.
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired']);
const INVALID = new Set([
  'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException',
  'IncompleteSignature', 'IncompleteSignatureException', 'InvalidAccessKeyId', 'AuthFailure', 'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
]);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException', 'Forbidden']);
const NOT_FOUND = new Set(['ResourceNotFoundException', 'NotFoundException', 'NoSuchEntity', 'NoSuchEntityException']);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);
const NETWORK = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException', 'UND_ERR_CONNECT_TIMEOUT', 'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);
// token-providers / credential-provider-sso wording: "…SSO session…", "To refresh this SSO session run 'aws sso login'…".
const SSO_MESSAGE = /SSO session|aws sso login|SSO Token|Session token not found or invalid/i;

/** Classifies an SDK, credential-provider or network error; never throws. */
export function classifyAwsError(err: unknown): ClassifiedAwsError {
  const e = (err ?? {}) as { name?: unknown; code?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: number }; message?: unknown; cause?: unknown; errors?: unknown[] };
  const name = typeof e.name === 'string' && e.name !== 'Error' ? e.name : '';
  const sysCode = typeof e.code === 'string' ? e.code : typeof e.Code === 'string' ? e.Code : '';
  const code = name || sysCode || 'Error';
  const status = typeof e.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const message = errorMessage(err);
  const out = (kind: AwsErrorKind): ClassifiedAwsError => ({ kind, code, ...(status !== undefined && { status }), message });

  if (err instanceof AssumeRoleError) return { ...classifyAwsError(err.cause), message };
  if (name === 'ProfileNotFoundError') return out('profile-not-found');
  const isProviderError = name === 'CredentialsProviderError' || name === 'TokenProviderError' || name === 'ProviderError';
  if (isProviderError && SSO_MESSAGE.test(message)) return out('sso-expired');
  // credential-provider-ini: "Profile X requires multi-factor authentication, but no MFA code callback was provided."
  if (isProviderError && /requires multi-factor authentication/i.test(message)) return out('mfa-required');
  if (EXPIRED.has(name) || EXPIRED.has(sysCode) || /security token included in the request is expired/i.test(message)) return out('credentials-expired');
  if (INVALID.has(name) || INVALID.has(sysCode)) return out('credentials-invalid');
  if (isProviderError) return out('no-credentials');
  if (DENIED.has(name) || DENIED.has(sysCode)) return out('denied');
  if (NOT_FOUND.has(name) || NOT_FOUND.has(sysCode)) return out('not-found');
  if (THROTTLED.has(name) || THROTTLED.has(sysCode)) return out('throttled');
  if (NETWORK.has(name) || NETWORK.has(sysCode) || networkCause(err)) return out('unreachable');
  if (status !== undefined && status >= 500) return out('unreachable');
  if (status === 403) return out('denied');
  if (status === 404) return out('not-found');
  return out('other');
}

function networkCause(err: unknown): boolean {
  const e = err as { cause?: unknown; errors?: unknown[] } | undefined;
  const codes = [e?.cause, ...(Array.isArray(e?.errors) ? e!.errors : [])].map((c) => (c as { code?: unknown } | undefined)?.code);
  return codes.some((c) => typeof c === 'string' && NETWORK.has(c));
}

/** One redacted line: the error's message, or its code when the message is empty (Node's AggregateError). */
export function errorMessage(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; name?: unknown; errors?: unknown[] } | undefined;
  let text = typeof e?.message === 'string' && e.message.trim() !== '' ? e.message : '';
  if (!text && Array.isArray(e?.errors)) text = e!.errors.map((x) => errorMessage(x)).filter(Boolean).join('; ');
  if (!text) text = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : String(err);
  return redactText(text.replace(/\s+/g, ' ').trim()).slice(0, 1000);
}
