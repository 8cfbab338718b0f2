/**
 * Server-side printing: `kubectl get` asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and
 * prints the columns the server returns (meta/v1 Table; columns as kubernetes pkg/printers/internalversion).
 */
import type { KubeObject, ResourceType } from './resources.js';

interface Column {
  name: string;
  type: string;
  format?: string;
  description: string;
  cell: (o: KubeObject, now: Date) => string | number;
}

const name: Column = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', cell: (o) => o.metadata.name };
const age: Column = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: (o, now) => ageOf(o, now) };
const createdAt: Column = { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: (o) => String(o.metadata.creationTimestamp ?? '') };

const get = (o: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

const COLUMNS: Record<string, Column[]> = {
  pods: [
    name,
    {
      name: 'Ready', type: 'string', description: 'The aggregate readiness state of this pod for accepting traffic.',
      cell: (o) => {
        const statuses = (get(o, 'status', 'containerStatuses') as { ready?: boolean }[] | undefined) ?? [];
        return `${statuses.filter((s) => s.ready).length}/${statuses.length}`;
      },
    },
    { name: 'Status', type: 'string', description: 'The aggregate status of the containers in this pod.', cell: (o) => String(get(o, 'status', 'phase') ?? '') },
    {
      name: 'Restarts', type: 'string', description: 'The number of times the containers in this pod have been restarted.',
      cell: (o) => String(((get(o, 'status', 'containerStatuses') as { restartCount?: number }[] | undefined) ?? []).reduce((n, s) => n + (s.restartCount ?? 0), 0)),
    },
    age,
  ],
  namespaces: [name, { name: 'Status', type: 'string', description: 'The status of the namespace', cell: (o) => String(get(o, 'status', 'phase') ?? '') }, age],
  nodes: [
    name,
    { name: 'Status', type: 'string', description: 'The status of the node', cell: () => 'Ready' },
    { name: 'Roles', type: 'string', description: 'The roles of the node', cell: () => '<none>' },
    age,
    { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.', cell: (o) => String(get(o, 'status', 'nodeInfo', 'kubeletVersion') ?? '') },
  ],
  configmaps: [name, { name: 'Data', type: 'integer', description: 'Data contains the configuration data.', cell: (o) => Object.keys((o.data as object | undefined) ?? {}).length }, age],
  secrets: [name, { name: 'Type', type: 'string', description: 'The type of the secret', cell: (o) => String(o.type ?? '') }, { name: 'Data', type: 'string', description: 'The number of entries in the data', cell: (o) => Object.keys((o.data as object | undefined) ?? {}).length }, age],
  clusterroles: [name, createdAt],
  roles: [name, createdAt],
  clusterrolebindings: [name, { name: 'Role', type: 'string', description: 'Role', cell: (o) => `${get(o, 'roleRef', 'kind')}/${get(o, 'roleRef', 'name')}` }, age],
  rolebindings: [name, { name: 'Role', type: 'string', description: 'Role', cell: (o) => `${get(o, 'roleRef', 'kind')}/${get(o, 'roleRef', 'name')}` }, age],
};

/** True when the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function toTable(type: ResourceType, objects: KubeObject[], resourceVersion: string, now: Date): Record<string, unknown> {
  const columns = COLUMNS[type.resource] ?? [name, age];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: 0 })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}

/** duration.HumanDuration, simplified: 45s, 12m, 5h, 3d. */
function ageOf(o: KubeObject, now: Date): string {
  const created = Date.parse(String(o.metadata.creationTimestamp ?? ''));
  if (Number.isNaN(created)) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - created) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 2 * 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
