/**
 * aws-iam-authenticator log lines, parsed as CloudWatch Logs returns them. The server logs through logrus' TextFormatter: `time="…" level=… msg="…"` then the
 * fields sorted by key, a value quoted with Go's %q only when it holds a character outside
 * [A-Za-z0-9-._/@^+] (sirupsen/logrus text_formatter.go needsQuoting/appendValue).
 *
 * Lines the server writes per request (kubernetes-sigs/aws-iam-authenticator pkg/server/server.go):
 *   level=info    msg="STS response"   accesskeyid accountid arn(session ARN) client method path session userid
 *   level=warning msg="access denied"  client error method path            (token rejected: no arn)
 *   level=warning msg="access denied"  arn(canonical) client error method path   (not mapped)
 *   level=info    msg="access granted" arn client groups method path uid username
 * EKS's build adds `sts=` (2022) or `stsendpoint=` (2025) to these lines.
 */

export type AuthenticatorOutcome = 'granted' | 'denied' | 'sts-response' | 'other';

export type DenialReason = 'not-mapped' | 'token-expired' | 'token-malformed' | 'wrong-cluster' | 'sts-error' | 'other';

export interface AuthenticatorEvent {
  time?: string;
  level?: string;
  msg: string;
  /** Canonical ARN on granted/denied lines; the raw (session) ARN on the `STS response` line. */
  arn?: string;
  accessKeyId?: string;
  error?: string;
  username?: string;
  groups?: string[];
  uid?: string;
  client?: string;
  stsEndpoint?: string;
  /** Every key=value of the line, unescaped (null prototype: keys come from untrusted text). */
  fields: Record<string, string>;
  outcome: AuthenticatorOutcome;
  /** Set on denials only. */
  reason?: DenialReason;
}

/** CloudWatch Logs events are at most 1 MB; authenticator lines are < 2 KB. Parse only this much of a line. */
export const MAX_PARSED_LINE_CHARS = 16 * 1024;
/** A real line has at most ~10 fields; stop collecting after this many. */
const MAX_FIELDS = 64;

// ---------------------------------------------------------------------------------------------
// Parsing

/** Parses one authenticator log line; `undefined` when it is not a logrus line (no `msg`). Never throws. */
export function parseAuthenticatorLine(line: string): AuthenticatorEvent | undefined {
  if (typeof line !== 'string') return undefined;
  const fields = parseLogfmt(line.length > MAX_PARSED_LINE_CHARS ? line.slice(0, MAX_PARSED_LINE_CHARS) : line);
  const msg = fields.msg;
  if (msg === undefined) return undefined;
  const event: AuthenticatorEvent = { msg, fields, outcome: outcomeOf(msg) };
  const set = <K extends keyof AuthenticatorEvent>(key: K, value: AuthenticatorEvent[K] | undefined) => {
    if (value !== undefined) event[key] = value;
  };
  set('time', fields.time);
  set('level', fields.level);
  set('arn', fields.arn || undefined);
  set('accessKeyId', fields.accesskeyid || undefined);
  set('error', fields.error);
  set('username', fields.username);
  set('groups', fields.groups !== undefined ? parseGoStringSlice(fields.groups) : undefined);
  set('uid', fields.uid);
  set('client', fields.client);
  set('stsEndpoint', fields.stsendpoint ?? fields.sts);
  if (event.outcome === 'denied') {
    event.reason = denialReason(msg, event.error);
    // Older servers write the ARN into the error only: `ARN is not mapped: <arn>` (server.go, 2019).
    if (!event.arn && event.reason === 'not-mapped') set('arn', arnFromNotMappedError(event.error));
  }
  return event;
}

/** logfmt as logrus writes it: `key=bare` or `key="Go-quoted"`, separated by spaces; stray words are skipped. */
function parseLogfmt(text: string): Record<string, string> {
  const fields: Record<string, string> = Object.create(null);
  let count = 0;
  let i = 0;
  const n = text.length;
  while (i < n && count < MAX_FIELDS) {
    while (i < n && text[i] === ' ') i++;
    const keyStart = i;
    while (i < n && text[i] !== '=' && text[i] !== ' ') i++;
    if (i >= n || text[i] === ' ') continue; // a word without '=' (e.g. a `kubectl logs` prefix)
    const key = text.slice(keyStart, i);
    i++; // '='
    let value: string;
    if (text[i] === '"') {
      const quoted = readGoQuoted(text, i);
      value = quoted.value;
      i = quoted.end;
    } else {
      const valueStart = i;
      while (i < n && text[i] !== ' ') i++;
      value = text.slice(valueStart, i);
    }
    // First occurrence wins: logrus never repeats a key, so a repeat is not the server's.
    if (key !== '' && !(key in fields)) {
      fields[key] = value;
      count++;
    }
  }
  return fields;
}

const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** Reads a Go %q string starting at the opening quote; an unterminated one runs to the end of the text. */
function readGoQuoted(text: string, open: number): { value: string; end: number } {
  let out = '';
  let i = open + 1;
  const n = text.length;
  while (i < n) {
    const ch = text[i];
    if (ch === '"') return { value: out, end: i + 1 };
    if (ch !== '\\' || i + 1 >= n) {
      out += ch;
      i++;
      continue;
    }
    const esc = text[i + 1];
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else if (esc === 'x' || esc === 'u' || esc === 'U') {
      const digits = esc === 'x' ? 2 : esc === 'u' ? 4 : 8;
      const hex = text.slice(i + 2, i + 2 + digits);
      if (hex.length === digits && /^[0-9a-fA-F]+$/.test(hex)) {
        const code = parseInt(hex, 16);
        // \xNN is a raw byte in Go; bytes ≥ 0x80 only appear for invalid UTF-8, shown as U+FFFD.
        out += esc === 'x' && code >= 0x80 ? '\uFFFD' : code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
        i += 2 + digits;
      } else {
        out += esc;
        i += 2;
      }
    } else if (esc >= '0' && esc <= '7') {
      const oct = text.slice(i + 1, i + 4);
      if (/^[0-7]{3}$/.test(oct)) {
        const code = parseInt(oct, 8);
        out += code >= 0x80 ? '\uFFFD' : String.fromCharCode(code);
        i += 4;
      } else {
        out += esc;
        i += 2;
      }
    } else {
      out += esc;
      i += 2;
    }
  }
  return { value: out, end: n };
}

/** `fmt.Sprint([]string{…})` → `[a b c]`; group names cannot contain spaces in Kubernetes. */
function parseGoStringSlice(text: string): string[] {
  const inner = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  return inner.split(' ').filter((g) => g !== '');
}

function outcomeOf(msg: string): AuthenticatorOutcome {
  if (msg === 'access granted') return 'granted';
  // heptio-authenticator-aws 0.1–0.3 logged the reason in the message itself.
  if (msg === 'access denied' || msg === 'access denied because ARN is not mapped') return 'denied';
  if (msg === 'STS response') return 'sts-response';
  return 'other';
}

/**
 * The reason behind a denial, from the error text:
 * - mapper.ErrNotMapped: `ARN is not mapped` (≤ 0.6.13, also `ARN is not mapped: <arn>`),
 *   `Identity is not mapped` (0.6.14–0.7.6), `identity is not mapped` (current) — pkg/mapper, pkg/errutil;
 * - token.FormatError `input token was not properly formatted: …`, expiry being
 *   `X-Amz-Date parameter is expired (15 minute expiration) …` — pkg/token/token.go;
 * - token.STSError `sts getCallerIdentity failed: …`; a token signed for another cluster name fails
 *   STS's signature check (the server replays it with its own x-k8s-aws-id) → SignatureDoesNotMatch.
 */
function denialReason(msg: string, error: string | undefined): DenialReason {
  if (msg === 'access denied because ARN is not mapped') return 'not-mapped';
  if (error === undefined) return 'other';
  if (/^(?:ARN|[Ii]dentity) is not mapped\b/.test(error)) return 'not-mapped';
  if (error.startsWith('input token was not properly formatted')) {
    return error.includes('X-Amz-Date parameter is expired') ? 'token-expired' : 'token-malformed';
  }
  if (error.startsWith('sts getCallerIdentity')) {
    if (error.includes('SignatureDoesNotMatch')) return 'wrong-cluster';
    // The credentials that signed the token had expired: same cure, fresh credentials then a new token.
    if (error.includes('ExpiredToken')) return 'token-expired';
    return 'sts-error';
  }
  return 'other';
}

function arnFromNotMappedError(error: string | undefined): string | undefined {
  const m = error?.match(/is not mapped: (arn:[^\s"]+)/);
  return m?.[1];
}

// ---------------------------------------------------------------------------------------------
// Matching

export interface PrincipalRef {
  /** The ARN as STS returned it (may be an assumed-role session ARN). */
  arn?: string;
  /** The IAM principal ARN (`arn:aws:iam::A:role/[path/]R` or `…:user/[path/]U`). */
  canonicalArn: string;
  accessKeyId?: string;
}

/**
 * Does this line concern the principal? ARNs compare case-insensitively (the authenticator lowercases
 * before mapping); a session ARN matches its role, and a role matches by account and name because the
 * authenticator's canonical ARN drops the role path (pkg/arn/arn.go) while role names are unique per
 * account. A line carrying only an access key matches by key.
 */
export function matchesPrincipal(event: AuthenticatorEvent, principal: PrincipalRef): boolean {
  if (event.arn) {
    const lineKey = principalKey(event.arn);
    if (lineKey === principalKey(principal.canonicalArn)) return true;
    if (principal.arn && lineKey === principalKey(principal.arn)) return true;
  }
  if (event.accessKeyId && principal.accessKeyId) {
    return event.accessKeyId.toLowerCase() === principal.accessKeyId.toLowerCase();
  }
  return false;
}

/** A comparable key for an IAM principal: roles (and their sessions) by account + name, others by the full ARN. */
function principalKey(arn: string): string {
  const lower = arn.trim().toLowerCase();
  const m = /^arn:([^:]*):(iam|sts)::(\d*):(.*)$/.exec(lower);
  if (!m) return lower;
  const [, partition, service, account, resource] = m;
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const role = resource.split('/')[1] ?? '';
    return `role|${partition}|${account}|${role}`;
  }
  if (service === 'iam' && resource.startsWith('role/')) {
    const parts = resource.split('/');
    return `role|${partition}|${account}|${parts[parts.length - 1]}`;
  }
  return lower;
}
