/**
 * Legacy (unaggregated) discovery documents: `/api`, `/apis`, `/api/v1`, `/apis/<group>/<version>`
 * (meta/v1 APIVersions, APIGroupList, APIResourceList). kubectl 1.32 asks for aggregated discovery
 * first and falls back to these when the answer is plain `application/json`.
 */
import { apiVersionOf, RESOURCE_TYPES } from './resources.js';

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(): Record<string, unknown> {
  const groups = [...new Set(RESOURCE_TYPES.filter((t) => t.group).map((t) => t.group))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((name) => {
      const gv = { groupVersion: `${name}/v1`, version: 'v1' };
      return { name, versions: [gv], preferredVersion: gv };
    }),
  };
}

/** `/apis/<group>`: the group and its versions (APIGroup). */
export function apiGroup(group: string): Record<string, unknown> | undefined {
  if (!RESOURCE_TYPES.some((t) => t.group === group && group !== '')) return undefined;
  const gv = { groupVersion: `${group}/v1`, version: 'v1' };
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [gv], preferredVersion: gv };
}

/** The APIResourceList of one group version, or undefined when it is not served. */
export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const types = RESOURCE_TYPES.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(types[0]!),
    resources: types.map((t) => ({
      name: t.resource,
      singularName: t.singularName,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
    })),
  };
}
