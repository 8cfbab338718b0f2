/**
 * SPEC §7: no AWS secret key, session token, bearer token, presigned signature, password or client key
 * leaves the process, in any format, on stderr or in --verbose. Two defences, applied to every string
 * that is printed:
 * - by value: every secret the process holds or reads (environment and resolved credentials, session
 *   tokens, bearer and static tokens, passwords, client keys, presigned signatures) is registered here
 *   and removed wherever it appears, also URL- or JSON-escaped;
 * - by shape: what a secret looks like in the places a message can quote it (query strings, headers,
 *   ini/env/JSON/XML/YAML lines, PEM blocks, URLs with a password).
 */

const MASK = '…';
/** Shorter values would mask ordinary words; every real secret is longer. */
const MIN_SECRET_LENGTH = 8;

const secrets = new Set<string>();
let valuePattern: RegExp | undefined;

/** Registers a secret value (and its encoded forms) so no output can carry it. */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string') return;
  const v = value.trim();
  if (v.length < MIN_SECRET_LENGTH) return;
  const forms = [v, encodeURIComponent(v), JSON.stringify(v).slice(1, -1), v.replace(/\//g, '\\/')];
  let added = false;
  for (const f of forms) {
    if (f.length >= MIN_SECRET_LENGTH && !secrets.has(f)) {
      secrets.add(f);
      added = true;
    }
  }
  if (added) valuePattern = undefined;
}

/** Environment variables whose values are secrets wherever they are set (the run's env, an exec plugin's env). */
const SECRET_ENV = /(SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE_KEY|SESSION_KEY|API_KEY)/i;

export function registerSecretEnv(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(env)) if (SECRET_ENV.test(name)) registerSecret(value);
}

/** Field names whose string values are replaced wholesale in structured output. */
const SECRET_KEYS = /^(token|id-token|refresh-token|access-token|secret|secretAccessKey|sessionToken|password|client-key-data|clientKeyData|bearerToken|x-amz-security-token|x-amz-signature)$/i;

const B64ISH = '[A-Za-z0-9/+=_.~%-]';
const PATTERNS: [RegExp, string][] = [
  // EKS tokens and the presigned URL inside them.
  [/k8s-aws-v1\.[A-Za-z0-9_-]+/g, `k8s-aws-v1.${MASK}`],
  [/((?:X-Amz-(?:Signature|Security-Token|Credential))(?:=|%3D|%3d))[^&\s"'<>]+/gi, `$1${MASK}`],
  // Header forms: `X-Amz-Security-Token: …`, `"x-amz-security-token": "…"`, Authorization headers.
  // botocore's --debug dump quotes header values as Python bytes: `'X-Amz-Security-Token': b'…'`.
  [/((?:x-amz-security-token|x-amz-signature)["']?\s*[:=]\s*(?:b?["'])?)[^\s"',;]+/gi, `$1${MASK}`],
  [/(\bSignature=)[0-9a-fA-F]{16,}/g, `$1${MASK}`],
  // A credential has digits or punctuation in it; prose ("a bearer token that…", "Basic authentication") has not.
  [/(\b(?:Bearer|Basic)\s+)(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}/gi, `$1${MASK}`],
  // ini, env, JSON, XML and YAML forms of AWS credentials and kubeconfig secrets.
  [new RegExp(`((?:aws_)?(?:secret_?access_?key|session_?token|security_?token)["']?\\s*[:=]\\s*["']?)${B64ISH}{8,}`, 'gi'), `$1${MASK}`],
  [/(<(SecretAccessKey|SessionToken)>)[^<]+(<\/\2>)/g, `$1${MASK}$3`],
  [new RegExp(`((?:^|[\\s{,"'])(?:token|id-token|refresh-token|access-token|password|passwd|client-key-data|clientKeyData|secret)["']?\\s*[:=]\\s*["']?)(?!${MASK})[^\\s"',}]{4,}`, 'gim'), `$1${MASK}`],
  // Userinfo in URLs: https://user:password@host.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^/\s@]+@/gi, `$1${MASK}@`],
  [/(-----BEGIN [A-Z ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----)/g, `$1${MASK}$2`],
];

function byValue(): RegExp | undefined {
  if (secrets.size === 0) return undefined;
  // Longest first, so a secret that contains another is masked whole.
  valuePattern ??= new RegExp([...secrets].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return valuePattern;
}

export function redactText(text: string): string {
  let out = text;
  const values = byValue();
  if (values) out = out.replace(values, MASK);
  for (const [re, by] of PATTERNS) out = out.replace(re, by);
  return out;
}

/** Deep copy with every string redacted and secret-named fields replaced. */
export function redact<T>(value: T): T {
  return walk(value, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
  if (depth > 32) return MASK;
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEYS.test(k) && typeof v === 'string' && v !== '' ? MASK : walk(v, depth + 1)]),
    );
  }
  return value;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
