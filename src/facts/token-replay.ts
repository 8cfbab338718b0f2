/**
 * Replays an EKS token to STS the way the EKS authenticator does, to learn the principal inside it
 * (aws-iam-authenticator pkg/token/token.go Verify: GET the presigned URL with `x-k8s-aws-id` set to
 * the cluster it serves, `Accept: application/json`).
 */
import { isRecord } from '../shared/records.js';
import { redactText } from '../shared/redact.js';
import { USER_AGENT } from '../shared/version.js';
import { CLUSTER_ID_HEADER, decodeEksToken } from './eks-token.js';
import { HttpClient } from './net/http.js';


export interface ReplayTokenOptions {
  /** Sent as `x-k8s-aws-id`, as the authenticator sends the cluster name (or Outposts cluster ID) it serves. */
  clusterName: string;
  /**
   * Where to send the request: the run's AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL (see
   * `replayEndpointFromEnv`); default the presigned URL's own host.
   */
  stsEndpoint?: string;
  signal?: AbortSignal;
  timeoutMs: number;
  /** The environment whose HTTPS_PROXY / NO_PROXY apply (the authenticator's Go client honours them). */
  env?: NodeJS.ProcessEnv;
  /** The cluster's partition: STS hosts of another one are refused, as the authenticator refuses them. */
  partition?: string;
  /** For tests: the time the token's 15 minutes are measured against. */
  now?: Date;
}

export type ReplayProblem = 'expired' | 'signature-mismatch' | 'invalid-key' | 'unreachable' | 'malformed' | 'other';

export type ReplayResult =
  | { ok: true; arn: string; accountId: string; userId: string; status: number }
  | {
      ok: false;
      problem: ReplayProblem;
      status?: number;
      /** STS error code (`SignatureDoesNotMatch`, `InvalidClientTokenId`, `ExpiredToken`, …). */
      code?: string;
      /** Redacted. */
      message: string;
      /** For `expired`: when the token stopped being accepted (X-Amz-Date + 15 min). */
      expiredAt?: string;
    };

/** AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL (the run's env), else undefined: the token's own host. */
export function replayEndpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || undefined;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Replays the token's presigned GetCallerIdentity URL as the authenticator does (token.go Verify:
 * GET, `x-k8s-aws-id: <cluster>`, `Accept: application/json`) and reads STS's answer; never throws.
 * Sent to another endpoint than the URL's host, the request keeps `Host: <original host>` so the
 * SigV4 signature (which signs `host`) still matches.
 */
export async function replayTokenIdentity(token: string, opts: ReplayTokenOptions): Promise<ReplayResult> {
  const decoded = decodeEksToken(token, { now: opts.now, configuredEndpoint: opts.stsEndpoint, ...(opts.partition && { partition: opts.partition }) });
  if (!decoded.ok) {
    if (decoded.decoded) {
      return { ok: false, problem: 'expired', message: decoded.error, expiredAt: decoded.decoded.expiresAt.toISOString() };
    }
    return { ok: false, problem: 'malformed', message: decoded.error };
  }
  const original = new URL(decoded.url);
  let target: URL;
  try {
    target = new URL(opts.stsEndpoint || original.origin);
  } catch {
    return { ok: false, problem: 'malformed', message: `invalid STS endpoint ${redactText(String(opts.stsEndpoint))}` };
  }
  const pathAndQuery = decoded.url.slice(decoded.url.indexOf('/', 'https://'.length)); // raw, exactly as signed
  // Sent elsewhere than the URL's host, the request keeps `Host: <original host>`: SigV4 signs `host`.
  const client = new HttpClient({ server: target.origin + target.pathname.replace(/\/+$/, ''), env: opts.env, headers: { 'User-Agent': USER_AGENT }, maxResponseBytes: MAX_RESPONSE_BYTES });
  try {
    const response = await client.request({
      method: 'GET',
      path: pathAndQuery,
      headers: { host: decoded.host, [CLUSTER_ID_HEADER]: opts.clusterName, accept: 'application/json' },
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
    });
    if (!response.ok) return { ok: false, problem: 'unreachable', message: `STS at ${target.host} unreachable: ${response.message}` };
    const contentType = response.headers['content-type'];
    return parseStsAnswer(response.status, String(contentType ?? ''), response.body);
  } finally {
    client.close();
  }
}

/** Reads STS's answer to a replayed GetCallerIdentity (JSON, as the authenticator asks for, or XML). */
export function parseStsAnswer(status: number, contentType: string, body: string): ReplayResult {
  const json = /json/i.test(contentType) || /^\s*\{/.test(body) ? safeJson(body) : undefined;
  if (status === 200) {
    const result = json ? digRecord(json, 'GetCallerIdentityResponse', 'GetCallerIdentityResult') : undefined;
    const arn = result ? str(result.Arn) : xmlText(body, 'Arn');
    const accountId = result ? str(result.Account) : xmlText(body, 'Account');
    const userId = result ? str(result.UserId) : xmlText(body, 'UserId');
    if (arn && accountId) return { ok: true, arn, accountId, userId: userId ?? '', status };
    return { ok: false, problem: 'other', status, message: 'STS answered 200 without an Arn and Account' };
  }
  // Errors: JSON {"Error":{"Code","Message"}} or XML <ErrorResponse><Error><Code/><Message/>.
  const error = json ? (digRecord(json, 'Error') ?? digRecord(json, 'ErrorResponse', 'Error')) : undefined;
  const code = (error ? str(error.Code) : xmlText(body, 'Code')) ?? '';
  const rawMessage = (error ? str(error.Message) : xmlText(body, 'Message')) ?? '';
  const message = redactText(`sts getCallerIdentity failed: error from AWS (expected 200, got ${status})${code ? ` ${code}` : ''}${rawMessage ? `: ${rawMessage}` : ''}`).slice(0, 1000);
  const problem: ReplayProblem =
    code === 'SignatureDoesNotMatch' && /Signature expired/i.test(rawMessage) ? 'expired'
    : code === 'SignatureDoesNotMatch' ? 'signature-mismatch'
    : code === 'InvalidClientTokenId' || code === 'InvalidAccessKeyId' ? 'invalid-key'
    : code === 'ExpiredToken' || code === 'ExpiredTokenException' || code === 'RequestExpired' ? 'expired'
    : status >= 500 ? 'unreachable'
    : 'other';
  return { ok: false, problem, status, ...(code && { code }), message };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function digRecord(v: unknown, ...keys: string[]): Record<string, unknown> | undefined {
  let cur = v;
  for (const k of keys) {
    if (!isRecord(cur)) return undefined;
    cur = cur[k];
  }
  return isRecord(cur) ? cur : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (!m) return undefined;
  return m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&').trim() || undefined;
}
