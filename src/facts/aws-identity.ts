/**
 * The identity the AWS credential chain resolves (SPEC §1 step 2, `identity.source: sdk`):
 * STS GetCallerIdentity with the same profile/env the exec plugin uses, after AssumeRole when the
 * plugin has `--role-arn` (awscli get_token.py STSClientFactory._get_role_credentials).
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { canonicalPrincipalArn } from './arn.js';
import type { AwsClients } from './aws/clients.js';
import type { CredentialOrigin } from './aws/credentials.js';
import { AssumeRoleError, classifyAwsError } from './aws/errors.js';

export type SdkIdentityProblem =
  | 'no-credentials'
  | 'mfa-required'
  | 'profile-not-found'
  | 'credentials-expired'
  | 'sso-expired'
  | 'credentials-invalid'
  | 'assume-role-failed'
  | 'unreachable'
  | 'other';

export type SdkIdentity =
  | {
      ok: true;
      arn: string;
      /** The principal the authenticator maps (assumed-role session → role). */
      principalArn: string;
      accountId: string;
      userId: string;
      source?: CredentialOrigin;
    }
  | {
      ok: false;
      problem: SdkIdentityProblem;
      /** Redacted. */
      message: string;
      /** The SDK error name (`ExpiredToken`, `CredentialsProviderError`, `AccessDenied`, …). */
      code: string;
      status?: number;
      profile?: string;
      /** Set for `assume-role-failed`. */
      roleArn?: string;
    };

export interface SdkIdentityOptions {
  signal?: AbortSignal;
}

/** GetCallerIdentity with the clients' effective credentials; never throws. */
export async function getSdkIdentity(clients: AwsClients, opts: SdkIdentityOptions = {}): Promise<SdkIdentity> {
  try {
    // Resolving first separates credential and AssumeRole failures from the call itself.
    await untilAborted(clients.credentials(), opts.signal);
    const out = await clients.sts.send(new GetCallerIdentityCommand({}), { abortSignal: opts.signal });
    if (!out.Arn || !out.Account) {
      return { ok: false, problem: 'other', code: 'MalformedResponse', message: 'GetCallerIdentity returned no Arn or Account', profile: clients.profile };
    }
    return {
      ok: true,
      arn: out.Arn,
      principalArn: canonicalPrincipalArn(out.Arn),
      accountId: out.Account,
      userId: out.UserId ?? '',
      source: clients.credentialOrigin(),
    };
  } catch (err) {
    return identityFailure(err, clients.profile);
  }
}

/** Credential providers (SSO, process, IMDS) take no signal: stop waiting when the check's time is up. */
export function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  const aborted = () => Object.assign(new Error('credential resolution aborted: time is up'), { name: 'AbortError' });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Maps an error met while establishing the SDK identity to a problem. Exported for tests. */
export function identityFailure(err: unknown, profile?: string): Extract<SdkIdentity, { ok: false }> {
  const c = classifyAwsError(err);
  const base = { ok: false as const, code: c.code, message: c.message, ...(c.status !== undefined && { status: c.status }), ...(profile && { profile }) };
  if (err instanceof AssumeRoleError) {
    // Expired or invalid source credentials are the cause; AssumeRole only reported them.
    if (c.kind === 'credentials-expired' || c.kind === 'credentials-invalid' || c.kind === 'unreachable' || c.kind === 'sso-expired') {
      return { ...base, problem: c.kind, roleArn: err.roleArn };
    }
    return { ...base, problem: 'assume-role-failed', roleArn: err.roleArn };
  }
  switch (c.kind) {
    case 'no-credentials':
    case 'mfa-required':
    case 'profile-not-found':
    case 'sso-expired':
    case 'credentials-expired':
    case 'credentials-invalid':
    case 'unreachable':
      return { ...base, problem: c.kind };
    default:
      return { ...base, problem: 'other' };
  }
}

export { canonicalPrincipalArn as canonicalPrincipal };
