/**
 * The token `aws eks get-token` makes (awscli customizations/eks/get_token.py): a presigned STS
 * GetCallerIdentity with the cluster's name (or, on Outposts, its ID) in the signed `x-k8s-aws-id`
 * header and X-Amz-Expires=60, for the STS endpoint botocore picks, written as botocore writes it
 * (its query order), `k8s-aws-v1.` + unpadded base64url. Signed with @smithy/signature-v4, whose
 * canonical request hashes the empty body as botocore's does.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
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

/** The Checksum interface smithy signs with, on node:crypto. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): Uint8Array | string =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {}
}

/** botocore's query order for a presigned STS URL. */
const QUERY_ORDER = ['Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Signature'];

/** urllib.parse.quote with safe='-_.~' (botocore's percent-encoding). */
const quote = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

export async function presignGetCallerIdentity(input: { credentials: Credentials; endpoint: StsEndpoint; k8sAwsId: string; now: Date }): Promise<string> {
  const signer = new SignatureV4({ credentials: input.credentials, region: input.endpoint.signingRegion, service: 'sts', sha256: NodeSha256 });
  const hostname = input.endpoint.host.replace(/:\d+$/, '');
  const port = /:(\d+)$/.exec(input.endpoint.host)?.[1];
  const signed = await signer.presign(
    {
      method: 'GET',
      protocol: input.endpoint.protocol,
      hostname,
      ...(port && { port: Number(port) }),
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: input.endpoint.host, 'x-k8s-aws-id': input.k8sAwsId },
    },
    { expiresIn: URL_TIMEOUT_SECONDS, signingDate: input.now },
  );
  const query = signed.query as Record<string, string>;
  const names = [...QUERY_ORDER.filter((k) => k in query), ...Object.keys(query).filter((k) => !QUERY_ORDER.includes(k)).sort()];
  return `${input.endpoint.protocol}//${input.endpoint.host}/?${names.map((k) => `${quote(k)}=${quote(query[k]!)}`).join('&')}`;
}

export function tokenOf(presignedUrl: string): string {
  return TOKEN_PREFIX + Buffer.from(presignedUrl, 'utf8').toString('base64url');
}
