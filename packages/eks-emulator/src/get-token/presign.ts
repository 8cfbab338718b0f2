/**
 * The token `aws eks get-token` makes (awscli customizations/eks/get_token.py): a presigned STS
 * GetCallerIdentity with the cluster's name (or, on Outposts, its ID) in the signed `x-k8s-aws-id`
 * header and X-Amz-Expires=60, for the STS endpoint botocore picks, written as botocore writes it
 * (its query order), `k8s-aws-v1.` + unpadded base64url.
 */
import { createHash, createHmac } from 'node:crypto';
import { regionalStsHost } from '../authenticator/sts-host.js';

/** get_token.py URL_TIMEOUT: ignored by STS (valid 15 minutes after X-Amz-Date), kept for old authenticators. */
export const URL_TIMEOUT_SECONDS = 60;
export const TOKEN_PREFIX = 'k8s-aws-v1.';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface StsEndpoint {
  protocol: 'https:' | 'http:';
  /** host[:port], as the Host header carries it. */
  host: string;
  signingRegion: string;
}

/**
 * botocore's STS endpoint: a configured one (AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), else the regional host of the region's partition, else with no
 * region at all the global sts.amazonaws.com signed for us-east-1 (what aws CLI v1 does then).
 */
export function stsEndpointFor(region: string | undefined, env: NodeJS.ProcessEnv): StsEndpoint {
  const ignore = /^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '');
  const configured = ignore ? undefined : (env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL);
  if (configured) {
    const u = new URL(configured);
    return { protocol: u.protocol === 'http:' ? 'http:' : 'https:', host: u.host, signingRegion: region ?? 'us-east-1' };
  }
  if (!region) return { protocol: 'https:', host: 'sts.amazonaws.com', signingRegion: 'us-east-1' };
  return { protocol: 'https:', host: regionalStsHost(region), signingRegion: region };
}

/** botocore's query order for a presigned STS URL. */
const QUERY_ORDER = ['Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature'];

/** urllib.parse.quote with safe='-_.~' (botocore's percent-encoding), which is also SigV4's URI encoding. */
const quote = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * SigV4 query signing (IAM User Guide, "Create a signed AWS API request"; botocore auth.py
 * SigV4QueryAuth): the signed headers are host and x-k8s-aws-id, the payload hash is the empty body's
 * (botocore signs the payload over https), and the session token is part of the signed query.
 * Written on node:crypto so the helper loads no SDK module to presign.
 */
export async function presignGetCallerIdentity(input: { credentials: Credentials; endpoint: StsEndpoint; k8sAwsId: string; now: Date }): Promise<string> {
  const { credentials, endpoint } = input;
  const amzDate = input.now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${endpoint.signingRegion}/sts/aws4_request`;
  const headers: [string, string][] = [
    ['host', endpoint.host],
    ['x-k8s-aws-id', input.k8sAwsId],
  ].map(([k, v]) => [k!, v!.trim().replace(/\s+/g, ' ')]);
  headers.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query: Record<string, string> = {
    Action: 'GetCallerIdentity',
    Version: '2011-06-15',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(URL_TIMEOUT_SECONDS),
    'X-Amz-SignedHeaders': headers.map(([k]) => k).join(';'),
    ...(credentials.sessionToken && { 'X-Amz-Security-Token': credentials.sessionToken }),
  };
  const canonicalQuery = Object.entries(query)
    .map(([k, v]) => [quote(k), quote(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = ['GET', '/', canonicalQuery, headers.map(([k, v]) => `${k}:${v}\n`).join(''), query['X-Amz-SignedHeaders'], sha256Hex('')].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), endpoint.signingRegion), 'sts'), 'aws4_request');
  query['X-Amz-Signature'] = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  const names = [...QUERY_ORDER.filter((k) => k in query), ...Object.keys(query).filter((k) => !QUERY_ORDER.includes(k)).sort()];
  return `${endpoint.protocol}//${endpoint.host}/?${names.map((k) => `${quote(k)}=${quote(query[k]!)}`).join('&')}`;
}

export function tokenOf(presignedUrl: string): string {
  return TOKEN_PREFIX + Buffer.from(presignedUrl, 'utf8').toString('base64url');
}
