/**
 * The credential kubectl sends for a kubeconfig user that does not use an exec plugin: a static token,
 * a token file (client-go re-reads it), or a client certificate and key, from data or files (SPEC §7:
 * every file bounded, every secret registered for redaction).
 */
import { registerSecret } from '../shared/redact.js';
import { readBoundedFile } from './files.js';
import type { KubeCredential } from './kube-api.js';
import type { KubeUser } from './kubeconfig.js';

const MAX_CREDENTIAL_FILE_BYTES = 256 * 1024;

export type StaticCredential =
  | { ok: true; credential: KubeCredential; kind: 'static-token' | 'token-file' | 'client-certificate' | 'none' }
  | { ok: false; message: string };

export async function staticCredential(user: KubeUser): Promise<StaticCredential> {
  if (user.token) return { ok: true, credential: { kind: 'token', token: user.token }, kind: 'static-token' };
  if (user.tokenFile) {
    const read = await readBoundedFile(user.tokenFile, MAX_CREDENTIAL_FILE_BYTES);
    if (!read.ok) return { ok: false, message: `tokenFile ${read.message}` };
    const token = read.text.trim();
    registerSecret(token);
    return { ok: true, credential: { kind: 'token', token }, kind: 'token-file' };
  }
  const cert = await pem(user.clientCertificateData, user.clientCertificateFile, 'client-certificate');
  const key = await pem(user.clientKeyData, user.clientKeyFile, 'client-key');
  if (!cert.ok) return cert;
  if (!key.ok) return key;
  if (cert.pem && key.pem) {
    registerSecret(key.pem);
    return { ok: true, credential: { kind: 'client-certificate', certPem: cert.pem, keyPem: key.pem }, kind: 'client-certificate' };
  }
  if (cert.pem || key.pem) return { ok: false, message: `user "${user.name}" has a client ${cert.pem ? 'certificate without its key' : 'key without its certificate'}` };
  return { ok: true, credential: { kind: 'none' }, kind: 'none' };
}

/** kubeconfig `*-data` fields are base64 of PEM; the file fields hold PEM. */
async function pem(data: string | undefined, file: string | undefined, what: string): Promise<{ ok: true; pem?: string } | { ok: false; message: string }> {
  if (data) return { ok: true, pem: Buffer.from(data, 'base64').toString('utf8') };
  if (!file) return { ok: true };
  const read = await readBoundedFile(file, MAX_CREDENTIAL_FILE_BYTES);
  return read.ok ? { ok: true, pem: read.text } : { ok: false, message: `${what} ${read.message}` };
}
