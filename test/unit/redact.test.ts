/**
 * The redactor (SPEC §7, issue 14 §2) as properties over generated secrets: by value, every
 * registered secret in any surrounding text and any of its encodings is gone; by shape, a secret
 * the process never held is gone wherever it sits in one of the forms tools print it in (AWS CLI
 * --debug header dumps, SDK error text, ini/env/JSON/XML/YAML lines, URLs, PEM). Fixed seed, so a
 * failure reproduces; PROPERTY_RUNS raises the count.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact, redactText, registerSecret } from '../../src/shared/redact.js';

const RUNS = Number(process.env.PROPERTY_RUNS) || 300;
fc.configureGlobal({ seed: 20261201, numRuns: RUNS });

const MASK = '…';
const anyText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x2fff }).map((c) => String.fromCharCode(c)), maxLength: 80 }).filter((s) => !s.includes(MASK));
const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
/** What AWS session tokens, secret keys and bearer tokens are made of; at least one digit, as every real one has. */
const secretValue = fc
  .string({ unit: fc.constantFrom(...b64), minLength: 16, maxLength: 200 })
  .filter((s) => /[0-9+/=]/.test(s) && /^[A-Za-z0-9]/.test(s));
const hex64 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });

describe('by value: a registered secret never survives, in any text or encoding', () => {
  it('raw, URL-encoded, JSON-escaped and slash-escaped, inside any text, in strings and in structured reports', () => {
    const anySecret = fc.string({ unit: fc.integer({ min: 0x21, max: 0x2fff }).map((c) => String.fromCharCode(c)), minLength: 8, maxLength: 64 }).filter((s) => !s.includes(MASK) && s.trim() === s);
    fc.assert(
      fc.property(anySecret, anyText, anyText, fc.constantFrom('raw', 'uri', 'json', 'slash'), (secret, before, after, form) => {
        registerSecret(secret);
        const encoded = { raw: secret, uri: encodeURIComponent(secret), json: JSON.stringify(secret).slice(1, -1), slash: secret.replace(/\//g, '\\/') }[form];
        const out = redactText(`${before}${encoded}${after}`);
        if (out.includes(secret) || out.includes(encoded)) throw new Error(`survived: ${JSON.stringify({ secret, form, out })}`);
        const report = JSON.stringify(redact({ findings: [{ evidence: { message: `${before}${secret}${after}` } }] }));
        if (report.includes(secret) || report.includes(JSON.stringify(secret).slice(1, -1))) throw new Error(`survived in JSON: ${report}`);
      }),
      // Every run registers one more secret, so the value pattern grows with the run count: 200 is plenty.
      { numRuns: Math.min(RUNS, 200) },
    );
  });

  it('a secret that contains another registered one is masked whole', () => {
    registerSecret('InnerSecret0123');
    registerSecret('OuterInnerSecret0123Tail');
    expect(redactText('x OuterInnerSecret0123Tail y')).toBe(`x ${MASK} y`);
  });
});

/** Where tools print a secret they hold: each form wraps a value the process never registered. */
const SHAPES: [string, (v: string, sig: string) => string][] = [
  ['query string token', (v) => `https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Security-Token=${v}&X-Amz-Date=20261201T000000Z`],
  ['URL-encoded query', (v) => `X-Amz-Security-Token%3D${encodeURIComponent(v)}%26X-Amz-Date`],
  ['presigned signature', (_v, sig) => `&X-Amz-Signature=${sig}`],
  ['header line', (v) => `X-Amz-Security-Token: ${v}`],
  ['lowercase header, no space', (v) => `x-amz-security-token:${v}`],
  ['JSON header', (v) => `{"x-amz-security-token": "${v}"}`],
  ['botocore --debug header dict (Python bytes)', (v, sig) => `headers={'X-Amz-Security-Token': b'${v}', 'Authorization': b'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261201/us-west-2/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}'}`],
  ['Authorization header signature', (_v, sig) => `Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261201/us-west-2/eks/aws4_request, SignedHeaders=host, Signature=${sig}`],
  ['ini aws_session_token', (v) => `aws_session_token = ${v}`],
  ['ini aws_security_token (boto2 name)', (v) => `aws_security_token=${v}`],
  ['ini aws_secret_access_key', (v) => `aws_secret_access_key = ${v}`],
  ['env AWS_SECRET_ACCESS_KEY', (v) => `export AWS_SECRET_ACCESS_KEY="${v}"`],
  ['env AWS_SESSION_TOKEN', (v) => `AWS_SESSION_TOKEN=${v}`],
  ['credential_process JSON', (v) => `{"Version": 1, "AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "${v}", "SessionToken": "${v}x"}`],
  ['STS XML', (v) => `<Credentials><SessionToken>${v}</SessionToken><SecretAccessKey>${v}</SecretAccessKey></Credentials>`],
  ['Bearer header', (v) => `Authorization: Bearer ${v}`],
  ['lowercase bearer', (v) => `authorization: bearer ${v}`],
  ['kubeconfig YAML token', (v) => `users:\n- name: u\n  user:\n    token: ${v}\n`],
  ['YAML password', (v) => `    password: "${v}"`],
  ['client-key-data', (v) => `client-key-data: ${v}`],
  ['ExecCredential JSON', (v) => `{"kind":"ExecCredential","status":{"token":"${v}"}}`],
  ['EKS token', (v) => `k8s-aws-v1.${v.replace(/[+/=]/g, '_')}`],
  ['URL userinfo', (v) => `https://admin:${encodeURIComponent(v)}@proxy.example.com:3128`],
  ['PEM private key', (v) => `-----BEGIN RSA PRIVATE KEY-----\n${v}\n-----END RSA PRIVATE KEY-----`],
];

describe('by shape: a secret the process never held is gone wherever tools print one', () => {
  it.each(SHAPES)('%s', (_name, shape) => {
    fc.assert(
      fc.property(secretValue, hex64, anyText, anyText, (v, sig, before, after) => {
        const text = `${before}\n${shape(v, sig)}\n${after}`;
        const out = redactText(text);
        const leaked = [v, encodeURIComponent(v), sig].filter((s) => text.includes(s) && out.includes(s));
        if (leaked.length > 0) throw new Error(`survived: ${JSON.stringify({ leaked, out })}`);
      }),
    );
  });

  it('prose that mentions tokens and passwords is left readable', () => {
    const prose = 'the bearer token that kubectl sends expired; Basic authentication is off; pass --profile for the session token';
    expect(redactText(prose)).toBe(prose);
  });
});
