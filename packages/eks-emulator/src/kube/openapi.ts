/**
 * The OpenAPI v3 documents a real API server serves at `/openapi/v3` and `/openapi/v3/<group-version>`,
 * reduced to what clients read from them: kubectl (cli-runtime resource/query_param_verifier_v3.go)
 * looks for the `fieldValidation` query parameter on the PATCH operation whose
 * `x-kubernetes-group-version-kind` is the object's, and when it finds it leaves validation to the
 * server (`?fieldValidation=Strict`). Without these documents kubectl falls back to client-side schema
 * validation, and `kubectl edit` of a ConfigMap fails with "failed to download openapi", which a real
 * EKS endpoint never does.
 */
import { createHash } from 'node:crypto';
import { apiVersionOf, RESOURCE_TYPES, type ResourceType } from './resources.js';

/** `api/v1`, `apis/rbac.authorization.k8s.io/v1`: the keys of the discovery document. */
function groupVersionPath(t: ResourceType): string {
  return t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`;
}

const QUERY = (name: string, type: 'string' | 'boolean') => ({ name, in: 'query', schema: { type, uniqueItems: true } });
/** The PATCH query parameters of every Kubernetes resource (kube-openapi's spec for apiserver handlers). */
const PATCH_PARAMETERS = [QUERY('dryRun', 'string'), QUERY('fieldManager', 'string'), QUERY('fieldValidation', 'string'), QUERY('force', 'boolean')];

function objectPath(t: ResourceType): string {
  const base = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  return t.namespaced ? `${base}/namespaces/{namespace}/${t.resource}/{name}` : `${base}/${t.resource}/{name}`;
}

/** `/openapi/v3/<gv>`: one path per resource, with its PATCH operation. */
export function openApiV3Document(groupVersion: string): Record<string, unknown> | undefined {
  const types = RESOURCE_TYPES.filter((t) => groupVersionPath(t) === groupVersion);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of types) {
    if (!t.verbs.includes('patch')) continue;
    paths[objectPath(t)] = {
      patch: {
        description: `partially update the specified ${t.kind}`,
        operationId: `patch${t.kind}`,
        parameters: PATCH_PARAMETERS,
        responses: { '200': { description: 'OK' }, '401': { description: 'Unauthorized' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: t.group, version: t.version, kind: t.kind },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: apiVersionOf(types[0]!) }, paths, components: { schemas: {} } };
}

/** `/openapi/v3`: every group version, each with the URL (and content hash) of its document. */
export function openApiV3Discovery(): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of new Set(RESOURCE_TYPES.map(groupVersionPath))) {
    const hash = createHash('sha512').update(JSON.stringify(openApiV3Document(gv))).digest('hex').slice(0, 128).toUpperCase();
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${hash}` };
  }
  return { paths };
}
