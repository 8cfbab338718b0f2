/**
 * aws-iam-authenticator log lines for tests that need real-shaped lines in a log store (moto, the
 * parser's round trips): logrus' TextFormatter (sirupsen/logrus text_formatter.go), the fields
 * pkg/server/server.go writes. The product only parses these; the emulator writes its own.
 */

export interface AuthenticatorLineInput {
  time: Date;
  level: 'info' | 'warning';
  msg: string;
  fields: Record<string, string>;
}

/** Writes a line exactly as logrus' TextFormatter does without a TTY (time, level, msg, then sorted keys). */
export function formatAuthenticatorLine(event: AuthenticatorLineInput): string {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(event.fields)) {
    // logrus prefixFieldClashes: a field named like a fixed key is renamed, not dropped.
    data[key === 'time' || key === 'level' || key === 'msg' ? `fields.${key}` : key] = value;
  }
  // Go's sort.Strings orders by bytes; field names are ASCII, where UTF-16 order is the same.
  const keys = Object.keys(data).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = [`time=${goValue(rfc3339(event.time))}`, `level=${event.level}`];
  if (event.msg !== '') parts.push(`msg=${goValue(event.msg)}`);
  for (const key of keys) parts.push(`${key}=${goValue(data[key])}`);
  return parts.join(' ');
}

/** Go's time.RFC3339 in UTC, whole seconds (logrus' default timestamp format). */
function rfc3339(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** logrus needsQuoting: only these characters stay bare; the empty string stays bare too. */
function goValue(text: string): string {
  return /^[A-Za-z0-9\-._/@^+]*$/.test(text) ? text : goQuote(text);
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote (what %q does for a string). */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (code >= 0xd800 && code <= 0xdfff) out += '\uFFFD'; // a lone surrogate: Go would see invalid UTF-8
    else if (code < 0x80 ? code >= 0x20 && code < 0x7f : PRINTABLE.test(ch)) out += ch;
    else if (code === 0x07) out += '\\a';
    else if (code === 0x08) out += '\\b';
    else if (code === 0x0c) out += '\\f';
    else if (code === 0x0a) out += '\\n';
    else if (code === 0x0d) out += '\\r';
    else if (code === 0x09) out += '\\t';
    else if (code === 0x0b) out += '\\v';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (code < 0x10000) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += '\\U' + code.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** Fields every per-request line carries (server.go authenticateEndpoint). */
function requestFields(client: string, stsEndpoint?: string): Record<string, string> {
  const fields: Record<string, string> = { client, method: 'POST', path: '/authenticate' };
  if (stsEndpoint) fields.stsendpoint = stsEndpoint;
  return fields;
}

/** `access granted` (server.go): the canonical ARN, the mapped username/groups and uid `aws-iam-authenticator:<account>:<userid>`. */
export function grantedLine(e: {
  time: Date;
  arn: string;
  client: string;
  groups: string[];
  uid: string;
  username: string;
  stsEndpoint?: string;
}): string {
  return formatAuthenticatorLine({
    time: e.time,
    level: 'info',
    msg: 'access granted',
    fields: { ...requestFields(e.client, e.stsEndpoint), arn: e.arn, groups: `[${e.groups.join(' ')}]`, uid: e.uid, username: e.username },
  });
}

export type NotMappedWording = 'identity is not mapped' | 'Identity is not mapped' | 'ARN is not mapped';

/** `access denied` for a valid token whose canonical ARN no mapper knows. */
export function deniedNotMappedLine(e: { time: Date; arn: string; client: string; wording: NotMappedWording; stsEndpoint?: string }): string {
  return formatAuthenticatorLine({
    time: e.time,
    level: 'warning',
    msg: 'access denied',
    fields: { ...requestFields(e.client, e.stsEndpoint), arn: e.arn, error: e.wording },
  });
}

/** `access denied` for a token the verifier rejected: no identity yet, so no `arn` field. */
export function deniedTokenLine(e: { time: Date; client: string; error: string; stsEndpoint?: string }): string {
  return formatAuthenticatorLine({
    time: e.time,
    level: 'warning',
    msg: 'access denied',
    fields: { ...requestFields(e.client, e.stsEndpoint), error: e.error },
  });
}

/** `STS response`, logged before mapping: the raw ARN (a session ARN for roles) and the token's access key. */
export function stsResponseLine(e: {
  time: Date;
  arn: string;
  accountId: string;
  userId: string;
  session: string;
  accessKeyId: string;
  client: string;
  stsEndpoint?: string;
}): string {
  return formatAuthenticatorLine({
    time: e.time,
    level: 'info',
    msg: 'STS response',
    fields: {
      ...requestFields(e.client, e.stsEndpoint),
      accesskeyid: e.accessKeyId,
      accountid: e.accountId,
      arn: e.arn,
      session: e.session,
      userid: e.userId,
    },
  });
}
