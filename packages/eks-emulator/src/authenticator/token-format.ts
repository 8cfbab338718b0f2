/**
 * aws-iam-authenticator pkg/token/token.go Verify, up to the call to STS: at most 4096 bytes, the
 * `k8s-aws-v1.` prefix, unpadded base64url, an https URL on an STS host of the partition, path `/`,
 * only the whitelisted query parameters (once each, in any case), Action=GetCallerIdentity, a signed
 * `x-k8s-aws-id` header, X-Amz-Expires within 0..900 (otherwise ignored) and an X-Amz-Date no older
 * than 15 minutes. Messages are token.go's, after `input token was not properly formatted: `.
 */
import { goTimeString, parseAmzDate } from './amz-date.js';
import { goEqualFold, goQuote } from './go-strings.js';
import { stsHostProblem, stsRegionOfHost } from './sts-host.js';

export const TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
const MAX_TOKEN_BYTES = 4096;
const PRESIGNED_URL_EXPIRATION_MS = 15 * 60_000;
const FORMAT_ERROR = 'input token was not properly formatted: ';

const WHITELIST = new Set(['action', 'version', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-security-token', 'x-amz-signature', 'x-amz-signedheaders']);

export interface PresignedRequest {
  /** The URL as decoded from the token, replayed to STS as it is. */
  url: string;
  scheme: string;
  host: string;
  rawQuery: string;
  /** The STS region label token.go reports errors under (`global` for sts.amazonaws.com). */
  stsRegion: string;
  accessKeyId: string;
  /** Query parameters by lower-cased name. */
  params: Map<string, string>;
}

export interface VerifierSettings {
  partition: string;
  /** The region the authenticator runs in (the cluster's). */
  region: string;
  now: Date;
  /**
   * STS endpoints other than AWS's that this verifier trusts: the emulator's own address, which the
   * SDKs and the AWS CLI presign for when AWS_ENDPOINT_URL points at it. Plain http is allowed there.
   */
  ownStsHosts: ReadonlySet<string>;
}

export type FormatResult = { ok: true; request: PresignedRequest } | { ok: false; error: string };

/** base64.RawURLEncoding.DecodeString: the URL-safe alphabet, no padding, CR and LF skipped. */
function decodeRawUrlBase64(s: string): { ok: true; text: string } | { ok: false; error: string } {
  let clean = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\r' || c === '\n') continue;
    if (!/[A-Za-z0-9_-]/.test(c)) return { ok: false, error: `illegal base64 data at input byte ${i}` };
    clean += c;
  }
  if (clean.length % 4 === 1) return { ok: false, error: `illegal base64 data at input byte ${s.length - 1}` };
  return { ok: true, text: Buffer.from(clean, 'base64url').toString('utf8') };
}

/** net/url unescape: %XX as bytes (any bytes, decoded as UTF-8 afterwards), a bad escape is an error; `+` is a space in a query. */
function goUnescape(s: string, plusIsSpace: boolean): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      if (!/^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) return undefined;
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '+' && plusIsSpace) bytes.push(0x20);
    else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** net/url Parse, the parts Verify reads: scheme, host (with any port), unescaped path, raw query. */
function parseUrl(raw: string): { ok: true; scheme: string; host: string; path: string; rawQuery: string } | { ok: false; error: string } {
  if (/[\x00-\x1f\x7f]/.test(raw)) return { ok: false, error: `parse ${goQuote(raw)}: net/url: invalid control character in URL` };
  const noFragment = raw.split('#')[0]!;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(noFragment);
  const scheme = m ? m[1]!.toLowerCase() : '';
  let rest = m ? m[2]! : noFragment;
  const q = rest.indexOf('?');
  const rawQuery = q >= 0 ? rest.slice(q + 1) : '';
  rest = q >= 0 ? rest.slice(0, q) : rest;
  let host = '';
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash >= 0 ? rest.slice(2, slash) : rest.slice(2);
    host = authority.slice(authority.lastIndexOf('@') + 1);
    rest = slash >= 0 ? rest.slice(slash) : '';
  }
  const path = goUnescape(rest, false);
  if (path === undefined) return { ok: false, error: `parse ${goQuote(raw)}: invalid URL escape` };
  return { ok: true, scheme, host, path, rawQuery };
}

/** net/url ParseQuery: `&`-separated, `+` is a space, a `;` is an error, bad escapes are errors. */
function parseQuery(rawQuery: string): Map<string, string[]> | undefined {
  const out = new Map<string, string[]>();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    if (part.includes(';')) return undefined;
    const eq = part.indexOf('=');
    const [k, v] = eq >= 0 ? [part.slice(0, eq), part.slice(eq + 1)] : [part, ''];
    const key = goUnescape(k, true);
    const value = goUnescape(v, true);
    if (key === undefined || value === undefined) return undefined;
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

function format(message: string): FormatResult {
  return { ok: false, error: FORMAT_ERROR + message };
}

/** strconv.Atoi, as Verify reads X-Amz-Expires (0 when it does not parse). */
function goAtoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

export function verifyTokenFormat(token: string, settings: VerifierSettings): FormatResult {
  if (Buffer.byteLength(token, 'utf8') > MAX_TOKEN_BYTES) return format('token is too large');
  if (!token.startsWith(TOKEN_PREFIX)) return format(`token is missing expected ${goQuote(TOKEN_PREFIX)} prefix`);
  const decoded = decodeRawUrlBase64(token.slice(TOKEN_PREFIX.length));
  if (!decoded.ok) return format(decoded.error);
  const url = parseUrl(decoded.text);
  if (!url.ok) return format(url.error);
  const own = settings.ownStsHosts.has(url.host);
  if (url.scheme !== 'https' && !(own && url.scheme === 'http')) return format(`unexpected scheme ${goQuote(url.scheme)} in pre-signed URL`);
  if (!own) {
    const problem = stsHostProblem(url.host, settings);
    if (problem) return { ok: false, error: problem.plain ? problem.message : FORMAT_ERROR + problem.message };
  }
  const region = stsRegionOfHost(url.host);
  if (!region.ok && !own) return { ok: false, error: region.error };
  if (url.path !== '/') return format('unexpected path in pre-signed URL');
  const query = parseQuery(url.rawQuery);
  if (!query) return format('malformed query parameter');
  const seen = new Set<string>();
  for (const key of query.keys()) {
    if (seen.has(key.toLowerCase())) return format(`duplicate query parameter found: ${goQuote(key)}`);
    seen.add(key.toLowerCase());
  }
  const params = new Map<string, string>();
  for (const [key, values] of query) {
    if (!WHITELIST.has(key.toLowerCase())) return format(`non-whitelisted query parameter ${goQuote(key)}`);
    if (values.length !== 1) return format('query parameter with multiple values not supported');
    params.set(key.toLowerCase(), values[0]!);
  }
  if (params.get('action') !== 'GetCallerIdentity') return format('unexpected action parameter in pre-signed URL');
  const signed = (params.get('x-amz-signedheaders') ?? '').split(';');
  if (!signed.some((h) => goEqualFold(h, CLUSTER_ID_HEADER))) return format(`client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL`);
  const expires = goAtoi(params.get('x-amz-expires') ?? '');
  if (expires === undefined || expires < 0 || expires > 900) return format(`invalid X-Amz-Expires parameter in pre-signed URL: ${expires ?? 0}`);
  const date = params.get('x-amz-date') ?? '';
  if (date === '') return format('X-Amz-Date parameter must be present in pre-signed URL');
  const accessKeyId = (params.get('x-amz-credential') ?? '').split('/')[0]!;
  const parsed = parseAmzDate(date);
  if (!parsed.ok) return format(`error parsing X-Amz-Date parameter ${date} into format 20060102T150405Z: ${parsed.error}`);
  if (settings.now.getTime() > parsed.date.getTime() + PRESIGNED_URL_EXPIRATION_MS) {
    return format(`X-Amz-Date parameter is expired (15 minute expiration) ${goTimeString(parsed.date, parsed.nanos)}`);
  }
  // For the emulator's own endpoint, errors are reported under the credential scope's region.
  const stsRegion = region.ok && !own ? region.region : ((params.get('x-amz-credential') ?? '').split('/')[2] ?? '');
  return { ok: true, request: { url: decoded.text, scheme: url.scheme, host: url.host, rawQuery: url.rawQuery, stsRegion, accessKeyId, params } };
}
