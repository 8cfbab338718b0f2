/**
 * The audit events a scenario's `history.awsAuth` stands for: each change of kube-system/aws-auth by a
 * scenario principal, as the API server logged it — the writer authenticated and authorized as the
 * cluster would have done it then (a writer the cluster could not have let in is a scenario error), the
 * request (`data`, or the scenario's aws-auth) and, for update/patch, the ConfigMap after the change.
 */
import { auditEventOf, type AuditedRequest } from './audit-log.js';
import { MapStore, parseConfigMap } from './authenticator/config-map.js';
import { identityFromStsResponse } from './authenticator/identity.js';
import { authorize } from './kube/authorize.js';
import { kubeUserOf } from './kube/authenticate.js';
import { EKS_AUTHENTICATOR_FEATURES } from './kube/mapping.js';
import { bootstrapRbac, parseRbacObjects, RbacAuthorizer } from './kube/rbac.js';
import { awsAuthObject, uidOf } from './kube/resources.js';
import type { ScenarioAwsAuthChange } from './scenario.js';
import { identityOfPrincipal, type EmulatorState } from './state.js';
import { agoMs, clusterCreatedAt } from './timeline.js';

const HISTORY_KUBECTL = 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46';
/** Where each verb's request goes, with the field manager kubectl names itself by. */
const REQUEST_URI: Record<ScenarioAwsAuthChange['verb'], string> = {
  create: '/api/v1/namespaces/kube-system/configmaps?fieldManager=kubectl-create',
  update: '/api/v1/namespaces/kube-system/configmaps/aws-auth?fieldManager=kubectl-edit',
  patch: '/api/v1/namespaces/kube-system/configmaps/aws-auth?fieldManager=kubectl-patch',
  delete: '/api/v1/namespaces/kube-system/configmaps/aws-auth',
};

export function seedAwsAuthHistory(state: EmulatorState): void {
  const { scenario } = state;
  const changes = scenario.history?.awsAuth ?? [];
  if (changes.length === 0) return;
  const rbacObjects = parseRbacObjects(scenario.rbac ?? []);
  const rbac = new RbacAuthorizer([...bootstrapRbac().roles, ...rbacObjects.roles], [...bootstrapRbac().bindings, ...rbacObjects.bindings]);
  const scenarioData = Object.fromEntries(Object.entries(scenario.awsAuth ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const createdAt = clusterCreatedAt(scenario, state.startedAt);
  let current: Record<string, string> | undefined;
  changes.forEach((change, i) => {
    const p = scenario.principals.find((x) => x.name === change.by)!;
    const at = state.startedAt - agoMs(change);
    const sent = change.data ?? scenarioData;
    const after = change.verb === 'patch' ? { ...(current ?? {}), ...sent } : change.verb === 'delete' ? undefined : sent;
    // The writer got in through the aws-auth as it stood before this change (the first change: as it became).
    const before = current ?? after ?? {};
    const issued = identityOfPrincipal(p, `${p.name}-session`);
    const verified = identityFromStsResponse({ Arn: issued.arn, Account: issued.accountId, UserId: issued.userId }, { accessKeyId: issued.accessKeyId, stsEndpoint: `sts.${scenario.region}.amazonaws.com` });
    const mapped = verified.ok ? kubeUserOf(state, verified.identity, new MapStore(parseConfigMap(before), EKS_AUTHENTICATOR_FEATURES)) : undefined;
    if (!mapped?.ok) throw new Error(`history.awsAuth[${i}]: ${change.by} could not have authenticated to the cluster to ${change.verb} aws-auth`);
    const attrs = { verb: change.verb, apiGroup: '', resource: 'configmaps', namespace: 'kube-system', ...(change.verb !== 'create' && { name: 'aws-auth' }) };
    const decision = authorize(rbac, mapped.user, attrs);
    if (!decision.allowed) throw new Error(`history.awsAuth[${i}]: ${change.by} (${mapped.user.username}) may not ${change.verb} configmaps in kube-system`);
    const version = 80_000 + i;
    const request: AuditedRequest = {
      verb: change.verb,
      path: REQUEST_URI[change.verb].split('?')[0]!,
      requestURI: REQUEST_URI[change.verb],
      resource: { group: '', version: 'v1', resource: 'configmaps', namespace: 'kube-system', name: 'aws-auth', uid: uidOf('kube-system/aws-auth/'), ...(change.verb !== 'delete' && { resourceVersion: String(version) }) },
    };
    const requestObject =
      change.verb === 'patch'
        ? { data: sent }
        : change.verb === 'delete'
          ? { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }
          : awsAuthObject(sent, createdAt, version - 1);
    const responseObject =
      change.verb === 'delete'
        ? { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'aws-auth', kind: 'configmaps', uid: uidOf('kube-system/aws-auth/') } }
        : awsAuthObject(after!, change.verb === 'create' ? at : createdAt, version);
    const event = auditEventOf({
      request,
      user: mapped.user,
      sourceIP: '203.0.113.10',
      userAgent: HISTORY_KUBECTL,
      code: change.verb === 'create' ? 201 : 200,
      receivedAt: at,
      completedAt: at + 9,
      decision: 'allow',
      reason: decision.reason,
      requestObject,
      responseObject,
    });
    if (event) state.logs.appendAudit(event, at);
    current = after;
  });
}
