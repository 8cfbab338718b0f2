/**
 * What the emulator's STS answers to a presigned GetCallerIdentity, whether it arrives over HTTP (the
 * product replaying a token) or is replayed by the emulated authenticator: an unknown or revoked key,
 * or a session key without its session token, is InvalidClientTokenId; an expired session is
 * ExpiredToken; then the SigV4 signature over the request as received (so another cluster's
 * `x-k8s-aws-id`, or none, is SignatureDoesNotMatch).
 */
import { verifyPresignedSignature } from './presigned-signature.js';
import type { EmulatorState, IssuedIdentity } from './state.js';

export type StsAnswer = { ok: true; identity: IssuedIdentity } | { ok: false; status: number; code: string; message: string };

export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';
export const EXPIRED_TOKEN_MESSAGE = 'The security token included in the request is expired';

export function answerPresignedCall(
  state: EmulatorState,
  req: { path?: string; rawQuery: string; headers: Readonly<Record<string, string | undefined>>; endpointRegion?: string; now?: Date },
): StsAnswer {
  const query = new URLSearchParams(req.rawQuery);
  const accessKeyId = (query.get('X-Amz-Credential') ?? '').split('/')[0]!;
  const identity = state.identityForAccessKey(accessKeyId);
  const token = query.get('X-Amz-Security-Token') ?? undefined;
  if (!identity || identity.invalid || (identity.sessionToken !== undefined && token !== identity.sessionToken)) {
    return { ok: false, status: 403, code: 'InvalidClientTokenId', message: INVALID_TOKEN_MESSAGE };
  }
  if (identity.expired) return { ok: false, status: 403, code: 'ExpiredToken', message: EXPIRED_TOKEN_MESSAGE };
  const verdict = verifyPresignedSignature({
    method: 'GET',
    path: req.path ?? '/',
    rawQuery: req.rawQuery,
    headers: req.headers,
    secretAccessKey: identity.secretAccessKey,
    endpointRegion: req.endpointRegion,
    now: req.now,
  });
  if (!verdict.ok) return { ok: false, status: 403, code: verdict.code, message: verdict.message };
  return { ok: true, identity };
}
