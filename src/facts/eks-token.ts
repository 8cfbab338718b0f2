/**
 * The EKS bearer token: `k8s-aws-v1.` + base64url (no padding) of a presigned STS
 * `GetCallerIdentity` URL that signs the `x-k8s-aws-id: <cluster name>` header.
 * Facts and error wording: kubernetes-sigs/aws-iam-authenticator pkg/token/token.go (Verify),
 * botocore auth.py SigV4QueryAuth (what `aws eks get-token` signs).
 */
import { registerSecret } from '../shared/redact.js';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** token.go: maxTokenLenBytes = 1024 * 4. */
export const MAX_TOKEN_LENGTH = 4096;
/** token.go: presigned STS URLs are valid 15 minutes after X-Amz-Date; X-Amz-Expires is ignored. */
export const TOKEN_VALIDITY_MS = 15 * 60 * 1000;
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
const FORMAT_ERROR = 'input token was not properly formatted: ';
const REDACTED = '…';

export type AccessKeyKind = 'long-term' | 'temporary' | 'other';

export interface DecodedEksTokenFields {
  /** The full presigned URL. Carries the signature and any session token: never print it; use `redactedUrl`. */
  url: string;
  /** The URL with `X-Amz-Signature` and `X-Amz-Security-Token` values replaced by `…`. */
  redactedUrl: string;
  host: string;
  /** Query parameters as sent, minus `X-Amz-Signature`; `X-Amz-Security-Token` is redacted. */
  params: Record<string, string>;
  signedHeaders: string[];
  accessKeyId: string;
  accessKeyKind: AccessKeyKind;
  date: Date;
  /** date + 15 min (token.go presignedURLExpiration). */
  expiresAt: Date;
  /** Region of the credential scope. */
  region?: string;
  hasSessionToken: boolean;
  length: number;
}

export type DecodedEksToken =
  | ({ ok: true } & DecodedEksTokenFields)
  /** `decoded` is present when the token is well formed and only its 15 minutes have passed. */
  | { ok: false; error: string; decoded?: DecodedEksTokenFields };

export interface DecodeEksTokenOptions {
  now?: Date;
  /** Which `host[:port]` values count as STS; default: the STS host names of `partition`. */
  acceptHost?: (host: string) => boolean;
  /** The cluster's partition (`aws`, `aws-cn`, …): STS hosts of another partition are refused, as the authenticator refuses them. */
  partition?: string;
  /**
   * The STS endpoint the run is configured with (AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL): `aws eks
   * get-token` presigns for it, so its host (and scheme) is accepted too, as the user chose it.
   */
  configuredEndpoint?: string;
}

/** aws-iam-authenticator parameterWhitelist. */
const ALLOWED_PARAMS = new Set([
  'action', 'version', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires',
  'x-amz-security-token', 'x-amz-signature', 'x-amz-signedheaders',
]);

/** Decodes and validates an EKS token in the order and wording of token.go Verify; never throws. */
export function decodeEksToken(token: string, opts: DecodeEksTokenOptions = {}): DecodedEksToken {
  const fail = (message: string): DecodedEksToken => ({ ok: false, error: FORMAT_ERROR + message });
  if (typeof token !== 'string') return fail(`token is missing expected "${EKS_TOKEN_PREFIX}" prefix`);
  if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_LENGTH) return fail('token is too large');
  if (!token.startsWith(EKS_TOKEN_PREFIX)) return fail(`token is missing expected "${EKS_TOKEN_PREFIX}" prefix`);
  const body = token.slice(EKS_TOKEN_PREFIX.length);
  const badByte = rawUrlBase64Error(body);
  if (badByte !== undefined) return fail(`illegal base64 data at input byte ${badByte}`);
  const url = Buffer.from(body, 'base64url').toString('utf8');

  const parsed = parseUrl(url);
  // Go's url.Parse error quotes the input, which would carry the signature: redact it.
  if (!parsed) return fail(`parse "${REDACTED}": invalid URL`);
  const isConfigured = configuredStsHost(opts.configuredEndpoint) === parsed.host.toLowerCase();
  // Real tokens are https-only; a configured endpoint (an emulator) may be plain http.
  if (parsed.scheme !== 'https' && !(isConfigured && parsed.scheme === 'http')) return fail(`unexpected scheme "${parsed.scheme}" in pre-signed URL`);
  const hostError = isConfigured ? undefined : stsHostError(parsed.host, opts.acceptHost ?? ((h) => isStsHostname(h, opts.partition)));
  if (hostError) return fail(hostError);
  if (parsed.path !== '/') return fail('unexpected path in pre-signed URL');

  const query = parseQuery(parsed.rawQuery);
  if (!query) return fail('malformed query parameter');
  // Go url.Values groups identical keys; validateDuplicateParameters rejects keys differing only in case.
  const grouped = new Map<string, string[]>();
  for (const [key, value] of query) grouped.set(key, [...(grouped.get(key) ?? []), value]);
  const lowerSeen = new Set<string>();
  for (const key of grouped.keys()) {
    if (lowerSeen.has(key.toLowerCase())) return fail(`duplicate query parameter found: "${key}"`);
    lowerSeen.add(key.toLowerCase());
  }
  const lowerParams = new Map<string, string>();
  for (const [key, values] of grouped) {
    if (!ALLOWED_PARAMS.has(key.toLowerCase())) return fail(`non-whitelisted query parameter "${key}"`);
    if (values.length !== 1) return fail('query parameter with multiple values not supported');
    lowerParams.set(key.toLowerCase(), values[0]!);
  }
  if (lowerParams.get('action') !== 'GetCallerIdentity') return fail('unexpected action parameter in pre-signed URL');
  const signedHeaders = (lowerParams.get('x-amz-signedheaders') ?? '').split(';');
  if (!signedHeaders.some((h) => h.toLowerCase() === CLUSTER_ID_HEADER)) {
    return fail(`client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL`);
  }
  const expiresRaw = lowerParams.get('x-amz-expires') ?? '';
  const expires = /^[+-]?\d+$/.test(expiresRaw) ? Number(expiresRaw) : Number.NaN;
  if (!Number.isSafeInteger(expires) || expires < 0 || expires > 900) {
    // Go prints the Atoi result, which is 0 when the value does not parse.
    return fail(`invalid X-Amz-Expires parameter in pre-signed URL: ${Number.isSafeInteger(expires) ? expires : 0}`);
  }
  const dateRaw = lowerParams.get('x-amz-date') ?? '';
  if (dateRaw === '') return fail('X-Amz-Date parameter must be present in pre-signed URL');
  const date = parseAmzDate(dateRaw);
  if (!date) {
    return fail(`error parsing X-Amz-Date parameter ${dateRaw} into format 20060102T150405Z: parsing time "${dateRaw}" as "20060102T150405Z": cannot parse`);
  }

  // The signature and session token inside a token are secrets wherever they are quoted later (SPEC §7).
  registerSecret(lowerParams.get('x-amz-signature'));
  registerSecret(lowerParams.get('x-amz-security-token'));
  const credential = lowerParams.get('x-amz-credential') ?? '';
  const [accessKeyId = '', , region] = credential.split('/');
  const params: Record<string, string> = {};
  for (const [key, values] of grouped) {
    const lower = key.toLowerCase();
    if (lower === 'x-amz-signature') continue;
    params[key] = lower === 'x-amz-security-token' ? REDACTED : values[0]!;
  }
  const fields: DecodedEksTokenFields = {
    url,
    redactedUrl: redactPresignedUrl(url),
    host: parsed.host,
    params,
    signedHeaders: signedHeaders.filter((h) => h !== ''),
    accessKeyId,
    accessKeyKind: accessKeyId.startsWith('AKIA') ? 'long-term' : accessKeyId.startsWith('ASIA') ? 'temporary' : 'other',
    date,
    expiresAt: new Date(date.getTime() + TOKEN_VALIDITY_MS),
    region: region || undefined,
    hasSessionToken: lowerParams.has('x-amz-security-token'),
    length: token.length,
  };
  const now = opts.now ?? new Date();
  if (now.getTime() > fields.expiresAt.getTime()) {
    return { ok: false, error: `${FORMAT_ERROR}X-Amz-Date parameter is expired (15 minute expiration) ${goTimeString(date)}`, decoded: fields };
  }
  return { ok: true, ...fields };
}

/** The URL with its signature and session token values replaced by `…` (SPEC §7). */
export function redactPresignedUrl(url: string): string {
  return url.replace(/([?&](?:X-Amz-Signature|X-Amz-Security-Token)=)[^&]*/gi, `$1${REDACTED}`);
}

/** STS domains per partition, regular then dual-stack (aws-iam-authenticator pkg/endpoints, the SDK's STS resolver). */
const STS_DOMAINS: Record<string, readonly string[]> = {
  aws: ['amazonaws.com', 'api.aws'],
  'aws-us-gov': ['amazonaws.com', 'api.aws'],
  'aws-cn': ['amazonaws.com.cn', 'api.amazonwebservices.com.cn'],
  'aws-iso': ['c2s.ic.gov'],
  'aws-iso-b': ['sc2s.sgov.gov'],
  'aws-iso-e': ['cloud.adc-e.uk'],
  'aws-iso-f': ['csp.hci.ic.gov'],
};

/** The partition a region belongs to, by its name (us-gov-west-1 → aws-us-gov, cn-north-1 → aws-cn). */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

/**
 * token.go verifySTSHostnameFormat: `sts.amazonaws.com` (the aws partition only), or
 * `sts[-fips].<region>.<domain>` where the region belongs to the cluster's partition and the domain
 * is that partition's (regular or dual-stack). Without a partition, the region's own one.
 */
export function isStsHostname(host: string, partition?: string): boolean {
  if (host === 'sts.amazonaws.com') return (partition ?? 'aws') === 'aws';
  const m = /^sts(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(.+)$/.exec(host);
  if (!m) return false;
  const regionPartition = partitionOfRegion(m[1]!);
  if (partition !== undefined && regionPartition !== partition) return false;
  return (STS_DOMAINS[regionPartition] ?? []).includes(m[2]!);
}


function configuredStsHost(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  try {
    return new URL(endpoint).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Returns the authenticator's host error, or undefined when accepted. */
function stsHostError(host: string, accept: (host: string) => boolean): string | undefined {
  if (accept(host)) return undefined;
  // token.go getStsRegion: fewer than three labels cannot name a region.
  if (host === '') return `could not parse region for pre-signed URL ${host}, host is empty`;
  if (host.split('.').length < 3) return `could not parse region for pre-signed URL ${host}, invalid host format: ${host}`;
  return `unexpected hostname "${host}" in pre-signed URL`;
}

/** Position of Go's base64.RawURLEncoding CorruptInputError, or undefined when the input decodes. */
function rawUrlBase64Error(s: string): number | undefined {
  const bad = s.search(/[^A-Za-z0-9_-]/);
  if (bad >= 0) return bad;
  if (s.length % 4 === 1) return s.length - 1;
  return undefined;
}

interface ParsedUrl {
  scheme: string;
  host: string;
  path: string;
  rawQuery: string;
}

/** Go-like url.Parse split (scheme, authority, path, raw query) without normalising anything. */
function parseUrl(url: string): ParsedUrl | undefined {
  if (/[\x00-\x1f\x7f ]/.test(url)) return undefined;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(url);
  if (!m) return { scheme: '', host: '', path: url.split('?')[0]!, rawQuery: url.split('?').slice(1).join('?') };
  const scheme = m[1]!.toLowerCase();
  let rest = m[2]!.split('#')[0]!;
  const q = rest.indexOf('?');
  const rawQuery = q >= 0 ? rest.slice(q + 1) : '';
  rest = q >= 0 ? rest.slice(0, q) : rest;
  if (!rest.startsWith('//')) return { scheme, host: '', path: rest, rawQuery };
  const slash = rest.indexOf('/', 2);
  const authority = slash >= 0 ? rest.slice(2, slash) : rest.slice(2);
  const host = authority.includes('@') ? authority.slice(authority.lastIndexOf('@') + 1) : authority;
  return { scheme, host, path: slash >= 0 ? rest.slice(slash) : '', rawQuery };
}

/** Go url.ParseQuery: `&`-separated, `;` rejected, `+` is a space; undefined on a bad escape. */
function parseQuery(raw: string): [string, string][] | undefined {
  const out: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    if (part.includes(';')) return undefined;
    const eq = part.indexOf('=');
    const [k, v] = eq >= 0 ? [part.slice(0, eq), part.slice(eq + 1)] : [part, ''];
    try {
      out.push([decodeURIComponent(k.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' '))]);
    } catch {
      return undefined;
    }
  }
  return out;
}

function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && se < 60 ? date : undefined;
}

/** Go's time.Time.String() for a UTC time: `2006-01-02 15:04:05 +0000 UTC`. */
function goTimeString(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} +0000 UTC`;
}
