/**
 * STS's check of a presigned (query-string) SigV4 request, written from the AWS SigV4 documentation
 * (IAM User Guide, "Create a signed AWS API request": canonical request, string to sign, derived
 * signing key) with node:crypto only, so it shares nothing with the presigners it checks. STS hashes
 * the request's actual (empty) body into the canonical request (boto/boto3#756 shows STS's expected
 * canonical string ending in e3b0c442…), and a presigned GetCallerIdentity is good for 15 minutes
 * after X-Amz-Date whatever X-Amz-Expires says (aws-sdk-go#2167; aws-iam-authenticator token.go).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');
const VALIDITY_MS = 15 * 60_000;

export type SignatureVerdict = { ok: true } | { ok: false; code: 'SignatureDoesNotMatch' | 'IncompleteSignature'; message: string };

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** SigV4 URI encoding: every byte but the unreserved characters A-Z a-z 0-9 - _ . ~ as %XX (upper case). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** The query's name/value pairs, decoded (`+` is a space, as form encoding has it). */
function queryPairs(rawQuery: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replaceAll('+', ' '));
      } catch {
        return s;
      }
    };
    out.push(eq >= 0 ? [decode(part.slice(0, eq)), decode(part.slice(eq + 1))] : [decode(part), '']);
  }
  return out;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Step 1: the canonical request (method, URI, query without the signature, signed headers, payload hash). */
function canonicalRequest(method: string, path: string, pairs: [string, string][], signedHeaders: string[], headers: Readonly<Record<string, string | undefined>>): string {
  const canonicalUri = path.split('/').map((seg) => uriEncode(decodeSegment(seg))).join('/') || '/';
  const canonicalQuery = pairs
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => compareCodeUnits(a[0], b[0]) || compareCodeUnits(a[1], b[1]))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${(headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  return [method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders.join(';'), EMPTY_BODY_SHA256].join('\n');
}

function decodeSegment(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

/** Step 3: kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secretAccessKey}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

/** `20261125T030000Z` → a Date, or undefined. */
function amzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

export interface PresignedRequestToCheck {
  method: string;
  /** The request path as sent (`/`). */
  path: string;
  rawQuery: string;
  /** Request headers by lower-cased name (`host`, `x-k8s-aws-id`, …). */
  headers: Readonly<Record<string, string | undefined>>;
  secretAccessKey: string;
  /** The region the endpoint serves, when it is a real regional STS host; the scope must name it. */
  endpointRegion?: string;
  now?: Date;
}

export function verifyPresignedSignature(req: PresignedRequestToCheck): SignatureVerdict {
  const pairs = queryPairs(req.rawQuery);
  const param = (name: string) => pairs.find(([k]) => k === name)?.[1];
  const incomplete = (what: string): SignatureVerdict => ({ ok: false, code: 'IncompleteSignature', message: `${what} is missing or malformed in the presigned request.` });
  if (param('X-Amz-Algorithm') !== ALGORITHM) return incomplete('X-Amz-Algorithm');
  const credential = param('X-Amz-Credential')?.split('/');
  if (!credential || credential.length !== 5 || credential[4] !== 'aws4_request') return incomplete('X-Amz-Credential');
  const [, scopeDate, scopeRegion, scopeService] = credential as [string, string, string, string, string];
  const longDate = param('X-Amz-Date') ?? '';
  const signedAt = amzDate(longDate);
  if (!signedAt) return incomplete('X-Amz-Date');
  const signedHeadersParam = param('X-Amz-SignedHeaders');
  const signature = param('X-Amz-Signature');
  if (!signedHeadersParam || !signature) return incomplete(signedHeadersParam ? 'X-Amz-Signature' : 'X-Amz-SignedHeaders');
  if (scopeService !== 'sts') return { ok: false, code: 'SignatureDoesNotMatch', message: "Credential should be scoped to correct service: 'sts'. " };
  if (req.endpointRegion && scopeRegion !== req.endpointRegion) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: `Credential should be scoped to a valid region, not '${scopeRegion}'. ` };
  }
  const now = req.now ?? new Date();
  const fmt = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  if (now.getTime() > signedAt.getTime() + VALIDITY_MS) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: `Signature expired: ${longDate} is now earlier than ${fmt(new Date(now.getTime() - VALIDITY_MS))} (${fmt(now)} - 15 min.)` };
  }
  if (signedAt.getTime() > now.getTime() + VALIDITY_MS) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: `Signature not yet current: ${longDate} is still later than ${fmt(new Date(now.getTime() + VALIDITY_MS))} (${fmt(now)} + 15 min.)` };
  }
  const signedHeaders = signedHeadersParam.split(';');
  const request = canonicalRequest(req.method, req.path, pairs, signedHeaders, req.headers);
  const stringToSign = [ALGORITHM, longDate, `${scopeDate}/${scopeRegion}/${scopeService}/aws4_request`, createHash('sha256').update(request).digest('hex')].join('\n');
  const expected = createHmac('sha256', signingKey(req.secretAccessKey, scopeDate, scopeRegion, scopeService)).update(stringToSign).digest();
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex');
  const matches = scopeDate === longDate.slice(0, 8) && given.length === expected.length && timingSafeEqual(given, expected);
  return matches ? { ok: true } : { ok: false, code: 'SignatureDoesNotMatch', message: MISMATCH };
}
