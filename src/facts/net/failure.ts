/**
 * What went wrong on the way to an HTTP answer, by stage, in words a finding can quote. Node's TLS
 * verification codes are OpenSSL's X509_V_ERR names (node/src/crypto/crypto_common.cc); getaddrinfo
 * results are named as Node names them (lib/internal/errors.js, dns.lookup).
 */

export type NetStage = 'dns' | 'tcp' | 'proxy' | 'tls' | 'http';

export type NetProblem =
  | 'invalid-url'
  /** ENOTFOUND: the name does not exist (a typo, a deleted cluster, a private-only zone). */
  | 'dns-not-found'
  /** EAI_AGAIN, SERVFAIL, …: the resolver failed; the name may exist. */
  | 'dns-failed'
  | 'dns-timeout'
  | 'connect-refused'
  /** The TCP handshake never completed: a private-only endpoint seen from outside its VPC, or a filtered CIDR. */
  | 'connect-timeout'
  /** EHOSTUNREACH / ENETUNREACH: no route to the address. */
  | 'connect-unreachable'
  | 'connect-failed'
  /** The proxy refused the CONNECT tunnel (407, 403, 502, …) or did not answer it. */
  | 'proxy-refused'
  | 'proxy-timeout'
  /** The kubeconfig's certificate-authority data is not a PEM certificate. */
  | 'ca-invalid'
  /** The server's chain does not lead to the given CA (stale kubeconfig, another cluster, a proxy). */
  | 'tls-untrusted'
  | 'tls-hostname'
  /** The server certificate is expired (or not yet valid: clock skew). */
  | 'tls-expired'
  /** TCP connected but the TLS handshake never finished: the server is not answering (SPEC §7: unreachable, not a CA problem). */
  | 'tls-timeout'
  | 'tls-other'
  /** Connected and handshaken, but no HTTP answer within the bound. */
  | 'http-timeout'
  | 'http-other'
  /** The body exceeded the size bound (a hostile or broken server). */
  | 'response-too-large'
  /** The connection closed before the whole body arrived. */
  | 'response-truncated';

export interface NetFailure {
  ok: false;
  stage: NetStage;
  problem: NetProblem;
  /** Node's error code (`ENOTFOUND`, `ECONNREFUSED`, `CERT_HAS_EXPIRED`, …), or `ETIMEDOUT` / `ABORT_ERR` for our own bounds. */
  code?: string;
  /** Secret-free. */
  message: string;
}

/** Thrown inside the transport; the public functions turn it into a NetFailure. */
export class NetError extends Error {
  override readonly name = 'NetError';
  constructor(
    readonly stage: NetStage,
    readonly problem: NetProblem,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }

  failure(): NetFailure {
    return { ok: false, stage: this.stage, problem: this.problem, ...(this.code && { code: this.code }), message: this.message };
  }
}

/** Our own bound (`ETIMEDOUT`) or the caller's signal (`ABORT_ERR`). */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
  constructor(readonly code: 'ETIMEDOUT' | 'ABORT_ERR') {
    super(code === 'ETIMEDOUT' ? 'timed out' : 'aborted');
  }
}

const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED',
  'CERT_REJECTED', 'INVALID_CA',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const DNS_NOT_FOUND = new Set(['ENOTFOUND', 'EAI_NONAME', 'ENODATA', 'NXDOMAIN']);
const DNS_FAILED = new Set(['EAI_AGAIN', 'EAI_FAIL', 'ESERVFAIL', 'EREFUSED', 'EAI_SYSTEM', 'EAI_NODATA']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);

const TLS_MESSAGES: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is not signed by the given certificate authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server chain ends in a self-signed certificate that is not the given certificate authority',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server presents a self-signed certificate that is not the given certificate authority',
  // EKS cluster CAs are all named CN=kubernetes, so a CA from another (or a re-created) cluster fails this way.
  CERT_SIGNATURE_FAILURE: 'the server certificate was signed by another key than the given certificate authority (a CA of the same name from another cluster)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer of the server certificate is not the given certificate authority',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  CERT_NOT_YET_VALID: 'the server certificate is not yet valid (check the clock)',
};

/** Classifies a Node transport error met at `stage` toward `where` (host[:port]); `timeoutMs` words our own bound. */
export function classifyNetError(err: unknown, stage: NetStage, where: string, timeoutMs?: number): NetError {
  if (err instanceof NetError) return err;
  const code = errorCode(err);
  const raw = err instanceof Error ? err.message : String(err);
  if (err instanceof DeadlineError) {
    const why = err.code === 'ABORT_ERR' ? ' (the run was cancelled or its time was up)' : timeoutMs !== undefined ? ` within ${timeoutMs} ms` : '';
    switch (stage) {
      case 'dns':
        return new NetError(stage, 'dns-timeout', `DNS lookup of ${where} did not answer${why}`, err.code);
      case 'tcp':
        return new NetError(stage, 'connect-timeout', `TCP connection to ${where} did not complete${why}`, err.code);
      case 'proxy':
        return new NetError(stage, 'proxy-timeout', `the proxy did not open a tunnel to ${where}${why}`, err.code);
      case 'tls':
        return new NetError(stage, 'tls-timeout', `${where} accepted the TCP connection but never completed the TLS handshake${why}`, err.code);
      default:
        return new NetError(stage, 'http-timeout', `${where} accepted the connection but did not answer${why}`, err.code);
    }
  }
  if (code && DNS_NOT_FOUND.has(code)) return new NetError('dns', 'dns-not-found', `DNS lookup of ${where}: no such host (${code})`, code);
  if (code && DNS_FAILED.has(code)) return new NetError('dns', 'dns-failed', `DNS lookup of ${where} failed (${code}): the resolver did not answer; the name may exist`, code);
  if (code === 'ECONNREFUSED') return new NetError(stage === 'proxy' ? 'proxy' : 'tcp', 'connect-refused', `connection to ${where} refused`, code);
  if (code === 'ETIMEDOUT' && (stage === 'tcp' || stage === 'dns')) return new NetError('tcp', 'connect-timeout', `TCP connection to ${where} timed out`, code);
  if (code && UNREACHABLE.has(code)) return new NetError('tcp', 'connect-unreachable', `no route to ${where} (${code})`, code);
  if (code && UNTRUSTED.has(code)) return new NetError('tls', 'tls-untrusted', TLS_MESSAGES[code] ?? `the server certificate is not trusted (${code})`, code);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return new NetError('tls', 'tls-hostname', raw, code);
  if (code && EXPIRED.has(code)) return new NetError('tls', 'tls-expired', TLS_MESSAGES[code]!, code);
  if (stage === 'dns') return new NetError(stage, 'dns-failed', `DNS lookup of ${where} failed: ${raw}`, code);
  if (stage === 'tcp') return new NetError(stage, 'connect-failed', `TCP connection to ${where} failed: ${raw}`, code);
  if (stage === 'tls' || (code && /^ERR_(SSL|TLS)_|^ERR_OSSL|^EPROTO$/.test(code))) return new NetError('tls', 'tls-other', `TLS handshake with ${where} failed: ${raw}`, code);
  if (code === 'ECONNRESET' || code === 'EPIPE') return new NetError(stage, 'http-other', `${where} reset the connection before answering`, code);
  return new NetError(stage, 'http-other', `HTTP request to ${where} failed: ${raw}`, code);
}

function errorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') return (err as { code: string }).code;
  return undefined;
}
