/**
 * aws-iam-authenticator pkg/token/token.go getIdentityFromSTSResponse: the Identity the mappers see,
 * built from STS's GetCallerIdentity answer. Users, the root and federated users keep their whole
 * UserId and have no session name; a role session's UserId `AROA…:name` splits into the principal ID
 * and the session name (a federated user's `{{SessionName}}` is therefore empty).
 */
import { canonicalize, type PrincipalType } from './arn.js';
import { goQuote } from './go-strings.js';

export interface AuthenticatorIdentity {
  /** The ARN STS returned (a session ARN for a role). */
  arn: string;
  canonicalArn: string;
  principalType: PrincipalType;
  accountId: string;
  /** The principal ID: `AIDA…`, `AROA…` without the session, `account:name` for a federated user. */
  userId: string;
  sessionName: string;
  accessKeyId: string;
  /** The host the token was presigned for. */
  stsEndpoint: string;
}

export interface CallerIdentityResult {
  Arn: string;
  Account: string;
  UserId: string;
}

/** `error` is the message after token.go's `sts getCallerIdentity failed: ` prefix. */
export function identityFromStsResponse(
  result: CallerIdentityResult,
  request: { accessKeyId: string; stsEndpoint: string },
): { ok: true; identity: AuthenticatorIdentity } | { ok: false; error: string } {
  const c = canonicalize(result.Arn);
  if (!c.ok) return { ok: false, error: c.error };
  const base = { arn: result.Arn, canonicalArn: c.canonicalArn, principalType: c.type, accountId: result.Account, ...request };
  if (c.type === 'user' || c.type === 'root' || c.type === 'federated-user') {
    return { ok: true, identity: { ...base, userId: result.UserId, sessionName: '' } };
  }
  const parts = result.UserId.split(':');
  if (parts.length !== 2) return { ok: false, error: `malformed UserID ${goQuote(result.UserId)}` };
  return { ok: true, identity: { ...base, userId: parts[0]!, sessionName: parts[1]! } };
}
