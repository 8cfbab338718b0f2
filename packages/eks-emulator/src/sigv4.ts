/**
 * Which access key, region and service a SigV4 request claims, from the `Authorization` header or a
 * presigned URL's `X-Amz-Credential` (AWS General Reference, "Signature Version 4 signing process").
 * Presigned STS signatures are verified by presigned-signature.ts.
 */

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** `AKID/20261125/us-west-2/sts/aws4_request` → its parts. */
export function parseCredentialScope(credential: string): CredentialScope | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  return { accessKeyId, date, region, service };
}

/** `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` → the credential scope. */
export function scopeFromAuthorization(header: string | undefined): CredentialScope | undefined {
  if (!header) return undefined;
  const m = /Credential=([^,\s]+)/.exec(header);
  return m ? parseCredentialScope(m[1]!) : undefined;
}
