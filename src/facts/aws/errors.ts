/**
 * What went wrong with an AWS call, in the terms the checks speak: SDK, credential-provider and network
 * errors classified into a few kinds, and one redacted line of message.
 */
import { redactText } from '../../shared/redact.js';

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
