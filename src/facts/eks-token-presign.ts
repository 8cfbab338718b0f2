/**
 * Presigning an EKS token with the run's own AWS credentials, as `aws eks get-token` does (botocore
 * auth.py SigV4QueryAuth): only the aws-auth check needs it, to read the ConfigMap when kubectl's own
 * token is refused, so it lives apart from the decoder every run loads and brings the SigV4 signer
 * with it only where it is used.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { CLUSTER_ID_HEADER, EKS_TOKEN_PREFIX } from './eks-token.js';

/** token.go requestPresignParam: 60 "for legacy reasons"; IT IS IGNORED by the server. */
const PRESIGN_EXPIRES_SECONDS = 60;

export interface EksTokenCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface PresignEksTokenOptions {
  credentials: EksTokenCredentials;
  region: string;
  clusterName: string;
  /** `host[:port]` of STS; default `sts.<region>.amazonaws.com` (regional endpoint, as get-token uses). */
  stsHost?: string;
  now?: Date;
}

/** Presigns GetCallerIdentity exactly as `aws eks get-token` does and wraps it as an EKS token. */
export async function presignEksToken(opts: PresignEksTokenOptions): Promise<string> {
  const host = opts.stsHost ?? `sts.${opts.region}.amazonaws.com`;
  const signer = new SignatureV4({
    credentials: opts.credentials,
    region: opts.region,
    service: 'sts',
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: 'GET',
    protocol: 'https:',
    hostname: host,
    path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    // No body: like botocore SigV4QueryAuth (payload signing on over https), smithy signs the empty-body hash.
    headers: { host, [CLUSTER_ID_HEADER]: opts.clusterName },
  });
  const signed = await signer.presign(request, {
    expiresIn: PRESIGN_EXPIRES_SECONDS,
    signingDate: opts.now ?? new Date(),
  });
  const query = signed.query as Record<string, string>;
  // Same parameter order as botocore's URL: Action, Version, then the X-Amz-* parameters, signature last.
  const order = [
    'Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires',
    'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature',
  ];
  const pairs = order.filter((k) => query[k] !== undefined).map((k) => `${uriEscape(k)}=${uriEscape(query[k]!)}`);
  const url = `https://${host}/?${pairs.join('&')}`;
  return EKS_TOKEN_PREFIX + Buffer.from(url, 'utf8').toString('base64url');
}

/** SigV4 URI encoding (RFC 3986 unreserved characters kept). */
function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
