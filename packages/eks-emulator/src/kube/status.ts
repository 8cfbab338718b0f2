/**
 * Kubernetes `Status` failure bodies (apimachinery metav1.Status, api-conventions.md "Response
 * Status Kind") with the messages kube-apiserver writes, so kubectl prints its usual errors:
 * `error: You must be logged in to the server (Unauthorized)`, `Error from server (Forbidden): …`.
 */
import type { ServerResponse } from 'node:http';
import { keepResponseObject } from './audit-capture.js';
import type { RequestAttributes } from './rbac.js';

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string };
  code: number;
}

export function statusBody(code: number, reason: string, message: string, details?: StatusBody['details']): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** The apiserver's 401 body (authentication failed: no detail is ever given to the client). */
export const UNAUTHORIZED = statusBody(401, 'Unauthorized', 'Unauthorized');

/** responsewriters/errors.go forbiddenMessage + apimachinery errors.NewForbidden. */
export function forbiddenStatus(username: string, attrs: RequestAttributes, reason = ''): StatusBody {
  const suffix = reason ? `: ${reason}` : '';
  if (attrs.path !== undefined) {
    return statusBody(403, 'Forbidden', `forbidden: User "${username}" cannot ${attrs.verb} path "${attrs.path}"${suffix}`, {});
  }
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource ?? '';
  const group = attrs.apiGroup ?? '';
  const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  const why = `User "${username}" cannot ${attrs.verb} resource "${resource}" in API group "${group}" ${where}${suffix}`;
  const qualified = group ? `${attrs.resource}.${group}` : attrs.resource ?? '';
  const message = attrs.name ? `${qualified} "${attrs.name}" is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  return statusBody(403, 'Forbidden', message, { ...(attrs.name ? { name: attrs.name } : {}), ...(group ? { group } : {}), kind: attrs.resource });
}

/** `configmaps "x" not found` (errors.NewNotFound), or the generic 404 for unknown paths. */
export function notFoundStatus(resource?: string, name?: string, group = ''): StatusBody {
  if (!resource || !name) return statusBody(404, 'NotFound', 'the server could not find the requested resource', {});
  const qualified = group ? `${resource}.${group}` : resource;
  return statusBody(404, 'NotFound', `${qualified} "${name}" not found`, { name, ...(group ? { group } : {}), kind: resource });
}

/** errors.NewMethodNotSupported wording, for the writes the emulator does not serve. */
export function methodNotAllowedStatus(resource: string, verb: string, group = ''): StatusBody {
  const qualified = group ? `${resource}.${group}` : resource;
  return statusBody(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualified}" by the eksdoctor emulator`, {
    ...(group ? { group } : {}),
    kind: resource,
  });
}

export function badRequestStatus(message: string): StatusBody {
  return statusBody(400, 'BadRequest', message);
}

export function writeJson(res: ServerResponse, code: number, body: unknown): void {
  keepResponseObject(res, body);
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' });
  res.end(text);
}

export function writeStatus(res: ServerResponse, body: StatusBody): void {
  writeJson(res, body.code, body);
}
