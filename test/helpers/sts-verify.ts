/**
 * STS's check of a presigned GetCallerIdentity URL, done by the emulator's own SigV4 verifier (written
 * from the SigV4 documentation, not from eksdoctor's presigner), so the product's tokens are proven
 * against a second implementation.
 */
import { verifyPresignedSignature, type SignatureVerdict } from '../../packages/eks-emulator/src/presigned-signature.js';

/** `secret` is undefined for a key STS does not know (InvalidClientTokenId). */
export function verifyPresignedUrl(
  url: string,
  headers: Record<string, string | undefined>,
  secret: string | undefined,
  now?: Date,
): SignatureVerdict | { ok: false; code: 'InvalidClientTokenId'; message: string } {
  if (secret === undefined) return { ok: false, code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid.' };
  const u = new URL(url);
  return verifyPresignedSignature({ method: 'GET', path: u.pathname, rawQuery: url.slice(url.indexOf('?') + 1), headers, secretAccessKey: secret, ...(now && { now }) });
}
