/**
 * The credential chain `aws eks get-token` follows, resolved from the run's own environment object
 * (not process.env: a run may resolve against an isolated env, as `demo` and the tests do). Every
 * resolved secret is registered with the redactor before anyone sees it. A profile's static keys are
 * read from the shared files already loaded here; the SDK's providers (@aws-sdk/credential-providers)
 * load only for the sources that need them (SSO, role profiles, web identity, container, IMDS).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CredentialsProviderError, loadSharedConfigFiles } from '@smithy/core/config';
import { registerSecret } from '../../shared/redact.js';
import { errorMessage } from './errors.js';

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

/** IMDS/container metadata: short, so a laptop without IMDS fails fast (the SDK default is 1 s × 3 tries). */
const METADATA_TIMEOUT_MS = 1_000;

export function sharedConfigPaths(env: NodeJS.ProcessEnv): { configFilepath: string; filepath: string } {
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    configFilepath: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    filepath: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

export type Provider = () => Promise<AwsCredentials>;

export interface CredentialChain {
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
export function credentialChain(env: NodeJS.ProcessEnv, explicitProfile: string | undefined, region: string, stsEndpoint: string | undefined): CredentialChain {
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
        const { fromTokenFile } = await import('@aws-sdk/credential-providers');
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
        const data = { ...(inConfig ?? {}), ...(inCredentials ?? {}) };
        return { ...profileKind(data), data };
      }));
    const fromProfile = async (kind: ProfileKind) => {
      if (kind.type === 'static') {
        origin = { source: 'profile', profile: name };
        return staticProfileCredentials(kind.data);
      }
      const { fromIni, fromSSO } = await import('@aws-sdk/credential-providers');
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
      const { fromContainerMetadata, fromHttp } = await import('@aws-sdk/credential-providers');
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
      const { fromInstanceMetadata } = await import('@aws-sdk/credential-providers');
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
  /** The profile's keys, config file and credentials file merged (credentials win, as in the SDK's parseKnownFiles). */
  data: Record<string, unknown>;
}

/** credential-provider-ini resolveStaticCredentials, for a profile profileKind calls static. */
function staticProfileCredentials(p: Record<string, unknown>): AwsCredentials {
  const text = (k: string) => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : undefined);
  const [sessionToken, credentialScope, accountId] = [text('aws_session_token'), text('aws_credential_scope'), text('aws_account_id')];
  return {
    accessKeyId: p.aws_access_key_id as string,
    secretAccessKey: p.aws_secret_access_key as string,
    ...(sessionToken && { sessionToken }),
    ...(credentialScope && { credentialScope }),
    ...(accountId && { accountId }),
  };
}

/** What a shared-config profile holds, in credential-provider-ini's terms (resolveProfileData). */
function profileKind(p: Record<string, unknown>): Omit<ProfileKind, 'data'> {
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
export function memoizeCredentials(resolve: Provider): Provider {
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
