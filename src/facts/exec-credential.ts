/**
 * Runs the kubeconfig's exec credential plugin the way kubectl does, and replays the EKS token it
 * returns to STS the way the EKS authenticator does (SPEC §1 step 2: the identity kubectl sends).
 * kubectl behaviour: client-go plugin/pkg/client/auth/exec/exec.go (refreshCredsLocked,
 * wrapCmdRunErrorLocked); replay: aws-iam-authenticator pkg/token/token.go (Verify).
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { redactText } from '../report/redact.js';
import { CLUSTER_ID_HEADER, decodeEksToken } from './eks-token.js';
import { resolveExecutable, runCommand } from './executable.js';
import type { ExecConfig } from './kubeconfig.js';

export interface RunExecPluginOptions {
  /** The kubeconfig file that defines the user: relative commands resolve against its directory (client-go ResolvePaths). */
  kubeconfigFile: string;
  /** The run's environment; the plugin gets it plus the exec `env`, as kubectl passes os.Environ() + env. */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Sent in KUBERNETES_EXEC_INFO `spec.cluster` when the exec config has `provideClusterInfo: true`. */
  cluster?: { server: string; caData?: string };
}

export type ExecPluginProblem = 'not-found' | 'timeout' | 'exit' | 'bad-output' | 'api-version-mismatch';

export type ExecPluginResult =
  | {
      ok: true;
      /** The bearer token. Internal use only: never put it in evidence, text or logs. */
      token: string;
      /** True when the plugin answered with a client certificate/key pair instead of a token. */
      clientCertificate: boolean;
      /** apiVersion of the returned ExecCredential. */
      apiVersion: string;
      /** `status.expirationTimestamp` as returned (RFC 3339). */
      expirationTimestamp?: string;
      /** The plugin's stderr (e.g. the AWS CLI's deprecation notes), redacted. */
      stderr: string;
      /** Absolute path of the command that ran. */
      command: string;
      durationMs: number;
    }
  | {
      ok: false;
      problem: ExecPluginProblem;
      /** kubectl's wording, followed by the plugin's redacted stderr when there is any. */
      message: string;
      /** Redacted stderr on its own. */
      stderr?: string;
      exitCode?: number;
      /** apiVersion in the kubeconfig. */
      configured?: string;
      /** apiVersion the plugin answered with. */
      returned?: string;
      command?: string;
    };

const EXEC_INFO_ENV = 'KUBERNETES_EXEC_INFO';
const MAX_STDERR_CHARS = 4000;

/**
 * The KUBERNETES_EXEC_INFO value client-go encodes (refreshCredsLocked): TypeMeta (kind, apiVersion) then
 * spec, whose fields are `cluster` (only with provideClusterInfo) then `interactive`
 * (client-go pkg/apis/clientauthentication/v1beta1/types.go ExecCredentialSpec; v1 is the same).
 */
export function execInfo(exec: ExecConfig, cluster?: RunExecPluginOptions['cluster']): string {
  const spec: Record<string, unknown> = {};
  if (exec.provideClusterInfo && cluster) {
    // v1beta1/v1 Cluster: `certificate-authority-data` is []byte, i.e. base64 in JSON, as in the kubeconfig.
    spec.cluster = { server: cluster.server, ...(cluster.caData && { 'certificate-authority-data': cluster.caData.replace(/\s+/g, '') }) };
  }
  // We never attach a terminal: stdin is closed, so the plugin must not prompt.
  spec.interactive = false;
  return JSON.stringify({ kind: 'ExecCredential', apiVersion: exec.apiVersion ?? '', spec });
}

/**
 * The environment the plugin sees: the run's env, then the exec `env` entries (client-go appends them to
 * os.Environ(); Go's exec keeps the last duplicate, so they win). Pass it to `awsClients` too, so the
 * SDK identity resolves as the plugin does.
 */
export function pluginEnvironment(env: NodeJS.ProcessEnv, exec: Pick<ExecConfig, 'env'>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const v of exec.env) out[v.name] = v.value;
  return out;
}

/** Runs the plugin: command resolved as kubectl does, no shell, stdin closed, bounded; never throws. */
export async function runExecPlugin(exec: ExecConfig, opts: RunExecPluginOptions): Promise<ExecPluginResult> {
  const configured = exec.apiVersion;
  const path = resolveExecutable(exec.command, opts.env, opts.kubeconfigFile);
  if (!path) {
    // client-go wrapCmdRunErrorLocked (*exec.Error).
    return { ok: false, problem: 'not-found', message: `exec: executable ${exec.command} not found`, configured };
  }
  const env = { ...pluginEnvironment(opts.env, exec), [EXEC_INFO_ENV]: execInfo(exec, opts.cluster) };

  const started = Date.now();
  const r = await runCommand(path, exec.args, env, opts.timeoutMs, opts.signal);
  const durationMs = Date.now() - started;
  const stderr = cleanStderr(r.stderr);
  const withStderr = (message: string) => (stderr ? `${message}: ${stderr}` : message);
  const fail = (problem: ExecPluginProblem, message: string, extra: Partial<Extract<ExecPluginResult, { ok: false }>> = {}): ExecPluginResult => ({
    ok: false,
    problem,
    message: withStderr(message),
    ...(stderr && { stderr }),
    configured,
    command: path,
    ...extra,
  });

  if (r.timedOut) return fail('timeout', `exec: executable ${exec.command} did not finish within ${opts.timeoutMs} ms`);
  if (r.error && r.code === null) {
    if (/ENOENT|EACCES/.test(r.error)) return fail('not-found', `exec: executable ${exec.command} not found`);
    if (/maxBuffer/i.test(r.error)) return fail('bad-output', 'decoding stdout: the plugin wrote more than 1 MiB');
    return fail('exit', `exec: ${redactText(r.error)}`);
  }
  if (r.code !== 0) {
    return fail('exit', `exec: executable ${exec.command} failed with exit code ${r.code ?? 'unknown (killed by a signal)'}`, r.code !== null ? { exitCode: r.code } : {});
  }

  const parsed = parseExecCredential(r.stdout);
  if (!parsed.ok) return fail('bad-output', parsed.message, parsed.returned ? { returned: parsed.returned } : {});
  if (configured && parsed.apiVersion !== configured) {
    return fail('api-version-mismatch', `exec plugin is configured to use API version ${configured}, plugin returned version ${parsed.apiVersion}`, { returned: parsed.apiVersion });
  }
  return {
    ok: true,
    token: parsed.token,
    clientCertificate: parsed.clientCertificate,
    apiVersion: parsed.apiVersion,
    ...(parsed.expirationTimestamp && { expirationTimestamp: parsed.expirationTimestamp }),
    stderr,
    command: path,
    durationMs,
  };
}

type ParsedCredential =
  | { ok: true; apiVersion: string; token: string; clientCertificate: boolean; expirationTimestamp?: string }
  | { ok: false; message: string; returned?: string };

/** Decodes an ExecCredential in client-go's order and wording; messages never quote the output (it may hold the token). */
export function parseExecCredential(stdout: string): ParsedCredential {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    const size = Buffer.byteLength(stdout);
    return { ok: false, message: size === 0 ? 'decoding stdout: the plugin wrote nothing' : `decoding stdout: the output is not an ExecCredential JSON object (${size} bytes)` };
  }
  if (!isRecord(doc)) return { ok: false, message: 'decoding stdout: the output is not an ExecCredential JSON object' };
  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
  if (typeof doc.kind !== 'string' || doc.kind === '') return { ok: false, message: "decoding stdout: Object 'Kind' is missing", returned: apiVersion || undefined };
  if (doc.kind !== 'ExecCredential') return { ok: false, message: `decoding stdout: unexpected kind "${doc.kind.slice(0, 80)}"`, returned: apiVersion || undefined };
  if (!apiVersion) return { ok: false, message: "decoding stdout: Object 'apiVersion' is missing" };
  const status = doc.status;
  if (!isRecord(status)) return { ok: false, message: "exec plugin didn't return a status field", returned: apiVersion };
  const token = typeof status.token === 'string' ? status.token : '';
  const cert = typeof status.clientCertificateData === 'string' ? status.clientCertificateData : '';
  const key = typeof status.clientKeyData === 'string' ? status.clientKeyData : '';
  if (!token && !cert && !key) return { ok: false, message: "exec plugin didn't return a token or cert/key pair", returned: apiVersion };
  if (!cert !== !key) return { ok: false, message: 'exec plugin returned only certificate or key, not both', returned: apiVersion };
  const exp = status.expirationTimestamp;
  return {
    ok: true,
    apiVersion,
    token,
    clientCertificate: Boolean(cert && key),
    ...(typeof exp === 'string' && exp !== '' && { expirationTimestamp: exp }),
  };
}

function cleanStderr(stderr: string): string {
  const text = redactText(stderr).trim();
  return text.length > MAX_STDERR_CHARS ? `${text.slice(0, MAX_STDERR_CHARS)}…` : text;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Token replay

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
  const decoded = decodeEksToken(token, { now: opts.now });
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
  const basePath = target.pathname.replace(/\/+$/, '');
  const response = await get(target, basePath + pathAndQuery, {
    host: decoded.host,
    [CLUSTER_ID_HEADER]: opts.clusterName,
    accept: 'application/json',
  }, opts.timeoutMs, opts.signal);
  if (!response.ok) return { ok: false, problem: 'unreachable', message: `STS at ${target.host} unreachable: ${response.message}` };
  return parseStsAnswer(response.status, response.contentType, response.body);
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

type GetResponse = { ok: true; status: number; contentType: string; body: string } | { ok: false; message: string };

function get(target: URL, path: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<GetResponse> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: GetResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const isHttps = target.protocol === 'https:';
    const req = (isHttps ? httpsRequest : httpRequest)(
      {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || (isHttps ? 443 : 80),
        method: 'GET',
        path,
        headers,
        // SNI and certificate checks are for the host we connect to, not the signed Host header.
        ...(isHttps && { servername: target.hostname }),
        agent: false,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
        });
        res.on('end', () => done({ ok: true, status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => done({ ok: false, message: e.message }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done({ ok: false, message: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    const onAbort = () => {
      req.destroy();
      done({ ok: false, message: 'aborted (time is up)' });
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, message: e.message || e.code || 'connection failed' }));
    req.end();
  });
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
