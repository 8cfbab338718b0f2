/**
 * What a request URL and method mean to the API server (k8s.io/apiserver pkg/endpoints/request
 * requestinfo.go NewRequestInfo): a resource request (verb, group, version, namespace, resource,
 * name, subresource) or a non-resource path (`/version`, `/api`, discovery documents).
 */
import type { RequestAttributes } from './rbac.js';

export type RequestInfo =
  | {
      isResourceRequest: true;
      verb: string;
      group: string;
      version: string;
      namespace?: string;
      resource: string;
      name?: string;
      subresource?: string;
    }
  | { isResourceRequest: false; verb: string; path: string };

/** requestinfo.go: GET on a collection is list (watch with ?watch=true), on an item get; and so on. */
export function requestInfoOf(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  const parts = path.split('/').filter((p) => p !== '');
  const nonResource: RequestInfo = { isResourceRequest: false, verb: method.toLowerCase(), path: pathname };
  let rest: string[];
  let group = '';
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return nonResource;
  }
  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}…; /namespaces/{name} itself is the namespaces resource.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1]!;
    rest = rest.slice(2);
  } else if (rest[0] === 'namespaces' && rest.length === 2) {
    namespace = rest[1]!;
  }
  const [resource, name, subresource] = rest as [string, string?, string?];
  const isCollection = name === undefined;
  const m = method.toUpperCase();
  let verb: string;
  if (m === 'GET' || m === 'HEAD') verb = query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : isCollection ? 'list' : 'get';
  else if (m === 'POST') verb = 'create';
  else if (m === 'PUT') verb = 'update';
  else if (m === 'PATCH') verb = 'patch';
  else if (m === 'DELETE') verb = isCollection ? 'deletecollection' : 'delete';
  else verb = m.toLowerCase();
  return { isResourceRequest: true, verb, group, version, namespace, resource, name, subresource };
}

export function attributesOf(info: RequestInfo): RequestAttributes {
  if (!info.isResourceRequest) return { verb: info.verb, path: info.path };
  return {
    verb: info.verb,
    apiGroup: info.group,
    resource: info.resource,
    subresource: info.subresource,
    // The namespaces resource is cluster-scoped: /api/v1/namespaces/{name} has no namespace attribute.
    namespace: info.resource === 'namespaces' ? undefined : info.namespace,
    name: info.resource === 'namespaces' && info.name === undefined ? info.namespace : info.name,
  };
}

export const MUTATING_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
