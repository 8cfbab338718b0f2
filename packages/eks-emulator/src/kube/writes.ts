/**
 * The Kubernetes writes the fixes eksdoctor prints need: ConfigMap `create`, `update` (PUT) and `patch`
 * (`application/merge-patch+json`, RFC 7386, and `application/strategic-merge-patch+json`, kubectl
 * patch's default — for a ConfigMap's string maps both merge key by key, `null` deleting), and
 * RoleBinding/ClusterRoleBinding `create`. Authorization has already run (server.ts). A change to
 * kube-system/aws-auth reaches the authenticator at once, as EKS's authenticator watches it. Status
 * bodies follow apimachinery's errors (NewAlreadyExists, NewConflict, NewInvalid, NewUnsupportedMediaType).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorState } from '../state.js';
import { keepRequestObject } from './audit-capture.js';
import { parseRbacObjects } from './rbac.js';
import { apiVersionOf, type ClusterObjects, type KubeObject, type ResourceType } from './resources.js';
import { badRequestStatus, methodNotAllowedStatus, notFoundStatus, statusBody, writeJson, writeStatus } from './status.js';
import { isRecord } from './json.js';
import { decodeProtobufObject, PROTOBUF } from './protobuf.js';

const MAX_BODY_BYTES = 1024 * 1024;
const MERGE_PATCH = ['application/merge-patch+json', 'application/strategic-merge-patch+json'];
/** Metadata a client cannot set or change. */
const SERVER_OWNED = ['uid', 'resourceVersion', 'creationTimestamp', 'namespace', 'name'];

export interface WriteContext {
  state: EmulatorState;
  objects: ClusterObjects;
}

export interface WriteTarget {
  verb: string;
  type: ResourceType;
  namespace?: string;
  name?: string;
}

/** The request body, or undefined past 1 MiB (the API server's limit is larger; no fix needs more). */
export async function readBodyBytes(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readBody(req: IncomingMessage): Promise<string | undefined> {
  return (await readBodyBytes(req))?.toString('utf8');
}

export function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text ?? '');
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}


/** RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue; // strategic-merge directives ($patch, $retainKeys): none changes a ConfigMap's maps
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const alreadyExists = (t: ResourceType, name: string) =>
  statusBody(409, 'AlreadyExists', `${qualified(t)} "${name}" already exists`, { name, ...(t.group && { group: t.group }), kind: t.resource });
const qualified = (t: ResourceType) => (t.group ? `${t.resource}.${t.group}` : t.resource);

function invalid(t: ResourceType, name: string, why: string) {
  return statusBody(422, 'Invalid', `${t.kind} "${name}" is invalid: ${why}`, { name, ...(t.group && { group: t.group }), kind: t.kind });
}

/** ConfigMap data values are strings (core/v1 ConfigMap.data map[string]string). */
function dataProblem(obj: Record<string, unknown>): string | undefined {
  if (obj.data === undefined) return undefined;
  if (!isRecord(obj.data) || Object.values(obj.data).some((v) => typeof v !== 'string')) return 'data: Invalid value: the values of data must be strings';
  return undefined;
}

export async function serveWrite(ctx: WriteContext, target: WriteTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { type, verb } = target;
  const supported = (type.resource === 'configmaps' && ['create', 'update', 'patch'].includes(verb)) || (['clusterrolebindings', 'rolebindings'].includes(type.resource) && verb === 'create');
  if (!supported) return writeStatus(res, methodNotAllowedStatus(type.resource, verb, type.group));
  const bytes = await readBodyBytes(req);
  const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
  if (verb === 'patch') {
    if (!MERGE_PATCH.includes(contentType)) {
      return writeStatus(res, statusBody(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${MERGE_PATCH.join(', ')}`));
    }
  }
  // kubectl 1.32 creates built-in objects in protobuf (decoded here); everything else is JSON.
  const body = contentType === PROTOBUF && verb !== 'patch' ? bytes && decodeProtobufObject(bytes) : parseObject(bytes?.toString('utf8'));
  if (!body) return writeStatus(res, badRequestStatus(contentType === PROTOBUF ? 'the request body is not a protobuf object this server decodes' : 'the request body is not a JSON object'));
  keepRequestObject(res, body);
  if (type.resource === 'configmaps') return writeConfigMap(ctx, target, body, res);
  return createBinding(ctx, target, body, res);
}

function writeConfigMap(ctx: WriteContext, t: WriteTarget, body: Record<string, unknown>, res: ServerResponse): void {
  const { objects } = ctx;
  const namespace = t.namespace!;
  const meta = isRecord(body.metadata) ? body.metadata : {};
  const name = t.verb === 'create' ? (typeof meta.name === 'string' ? meta.name : '') : t.name!;
  if (!name) return writeStatus(res, invalid(t.type, '', 'metadata.name: Required value: name or generateName is required'));
  const existing = objects.get('configmaps', namespace, name);
  let next: KubeObject;
  if (t.verb === 'create') {
    if (existing) return writeStatus(res, alreadyExists(t.type, name));
    const problem = dataProblem(body);
    if (problem) return writeStatus(res, invalid(t.type, name, problem));
    next = { ...body, metadata: { ...clientMetadata(meta), name, namespace, uid: crypto.randomUUID(), resourceVersion: objects.nextResourceVersion(), creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') } } as KubeObject;
  } else {
    if (!existing) return writeStatus(res, notFoundStatus('configmaps', name));
    if (t.verb === 'update' && typeof meta.resourceVersion === 'string' && meta.resourceVersion !== existing.metadata.resourceVersion) {
      return writeStatus(res, statusBody(409, 'Conflict', `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, kind: 'configmaps' }));
    }
    if (t.verb === 'update' && typeof meta.name === 'string' && meta.name !== name) return writeStatus(res, badRequestStatus('the name of the object does not match the name on the URL'));
    const { kind: _k, apiVersion: _a, ...current } = existing as Record<string, unknown>;
    const merged = (t.verb === 'patch' ? mergePatch(current, body) : body) as Record<string, unknown>;
    const problem = dataProblem(merged);
    if (problem) return writeStatus(res, invalid(t.type, name, problem));
    const unchanged = JSON.stringify(stripEnvelope(merged)) === JSON.stringify(stripEnvelope(current));
    const mergedMeta = isRecord(merged.metadata) ? merged.metadata : {};
    next = {
      ...stripEnvelope(merged),
      metadata: { ...clientMetadata(mergedMeta), ...serverMetadata(existing), ...(unchanged ? {} : { resourceVersion: objects.nextResourceVersion() }) },
    } as KubeObject;
  }
  objects.put('configmaps', next);
  if (namespace === 'kube-system' && name === 'aws-auth') {
    ctx.state.scenario.awsAuth = { ...((next as { data?: Record<string, string> }).data ?? {}) };
    ctx.state.mappingChanged();
  }
  writeJson(res, t.verb === 'create' ? 201 : 200, { kind: 'ConfigMap', apiVersion: 'v1', ...next });
}

function stripEnvelope(o: Record<string, unknown>): Record<string, unknown> {
  const { kind: _k, apiVersion: _a, ...rest } = o;
  const meta = isRecord(rest.metadata) ? clientMetadata(rest.metadata) : {};
  return { ...rest, metadata: meta };
}

function clientMetadata(meta: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(meta).filter(([k]) => !SERVER_OWNED.includes(k) && k !== 'managedFields'));
}

function serverMetadata(o: KubeObject): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o.metadata).filter(([k]) => SERVER_OWNED.includes(k)));
}

function createBinding(ctx: WriteContext, t: WriteTarget, body: Record<string, unknown>, res: ServerResponse): void {
  const meta = isRecord(body.metadata) ? body.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  const namespace = t.type.namespaced ? t.namespace : undefined;
  if (!name) return writeStatus(res, invalid(t.type, '', 'metadata.name: Required value: name or generateName is required'));
  if (ctx.objects.get(t.type.resource, namespace, name)) return writeStatus(res, alreadyExists(t.type, name));
  const [binding] = parseRbacObjects([{ ...body, kind: t.type.kind, metadata: { ...meta, ...(namespace && { namespace }) } }]).bindings;
  if (!binding) return writeStatus(res, invalid(t.type, name, 'roleRef: Required value'));
  const obj = {
    metadata: { ...clientMetadata(meta), name, ...(namespace && { namespace }), uid: crypto.randomUUID(), resourceVersion: ctx.objects.nextResourceVersion(), creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') },
    roleRef: body.roleRef,
    ...(Array.isArray(body.subjects) && { subjects: body.subjects }),
  } as KubeObject;
  ctx.objects.put(t.type.resource, obj, binding);
  writeJson(res, 201, { kind: t.type.kind, apiVersion: apiVersionOf(t.type), ...obj });
}
