/**
 * Last line of defence for SPEC §7: whatever a check put into evidence or text, no bearer token,
 * presigned signature, session token or secret key leaves the process.
 */
const PATTERNS: [RegExp, string][] = [
  [/k8s-aws-v1\.[A-Za-z0-9_-]+/g, 'k8s-aws-v1.…'],
  [/(X-Amz-(?:Signature|Security-Token|Credential)=)[^&\s"']+/gi, '$1…'],
  [/((?:aws_)?secret_?access_?key["'\s:=]+)[A-Za-z0-9/+=]{20,}/gi, '$1…'],
  [/((?:aws_)?session_?token["'\s:=]+)[A-Za-z0-9/+=]{20,}/gi, '$1…'],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1…'],
  [/(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g, '$1…$2'],
];

const SECRET_KEYS = /^(token|secret|secretAccessKey|sessionToken|password|client-key-data|bearerToken)$/i;

export function redactText(text: string): string {
  let out = text;
  for (const [re, by] of PATTERNS) out = out.replace(re, by);
  return out;
}

/** Deep copy with every string redacted and secret-named fields replaced. */
export function redact<T>(value: T): T {
  return walk(value, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
  if (depth > 32) return '…';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.test(k) && typeof v === 'string' && v !== '' ? '…' : walk(v, depth + 1)]),
    );
  }
  return value;
}
