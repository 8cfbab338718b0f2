/**
 * The lines pkg/server/server.go authenticateEndpoint logs for one TokenReview. Every line carries the
 * request's `client`, `method` and `path`; after STS answers, `STS response` (the raw ARN, account,
 * user ID, session, access key and STS host), then `arn` (canonical) stays on the logger. A token that
 * fails verification is denied with no `arn`; a mapping failure is denied with it; a grant adds
 * username, uid, groups and the STS host.
 */
import type { AuthenticatorIdentity } from './identity.js';
import { logrusLine } from './logrus-text.js';

export interface Request {
  time: Date;
  /** The webhook's RemoteAddr: `ip:port` of the API server calling it. */
  client: string;
}

const requestFields = (r: Request) => ({ client: r.client, method: 'POST', path: '/authenticate' });

/** Verify failed (format, STS error or STS throttling): logged before any identity is known. */
export function tokenDeniedLine(r: Request, error: string): string {
  return logrusLine({ time: r.time, level: 'warning', msg: 'access denied', fields: { ...requestFields(r), error } });
}

export function stsResponseLine(r: Request, id: AuthenticatorIdentity): string {
  return logrusLine({
    time: r.time,
    level: 'info',
    msg: 'STS response',
    fields: {
      ...requestFields(r),
      accesskeyid: id.accessKeyId,
      arn: id.arn,
      accountid: id.accountId,
      userid: id.userId,
      session: id.sessionName,
      stsendpoint: id.stsEndpoint,
    },
  });
}

/** doMapping failed: not mapped (the wording differs across authenticator versions) or a template error. */
export function mappingDeniedLine(r: Request, id: AuthenticatorIdentity, error: string): string {
  return logrusLine({ time: r.time, level: 'warning', msg: 'access denied', fields: { ...requestFields(r), arn: id.canonicalArn, error } });
}

export function grantedLine(r: Request, id: AuthenticatorIdentity, user: { username: string; uid: string; groups: readonly string[] }): string {
  return logrusLine({
    time: r.time,
    level: 'info',
    msg: 'access granted',
    fields: { ...requestFields(r), arn: id.canonicalArn, username: user.username, uid: user.uid, groups: user.groups, stsendpoint: id.stsEndpoint },
  });
}
