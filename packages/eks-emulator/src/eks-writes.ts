/**
 * The EKS write APIs the fix commands eksdoctor prints use (`aws eks create-access-entry`,
 * `associate-access-policy`, `update-cluster-config`, …; botocore data/eks/2017-11-01/service-2.json),
 * applied to the emulator's state at once so the authenticator sees them on the next request. IAM has
 * already allowed the call (aws-authorization.ts). Errors are EKS's: access entries need an API mode;
 * the authentication mode moves one step at a time, CONFIG_MAP → API_AND_CONFIG_MAP → API ("Unsupported
 * authentication mode update from CONFIG_MAP to API", pulumi/pulumi-eks#1493; a no-op update is refused
 * the same way, aws/aws-cdk#31032); one kind of update per UpdateClusterConfig call.
 */
import { randomUUID } from 'node:crypto';
import { ACCESS_POLICIES } from './access-policies.js';
import type { AwsRequest, ServiceContext } from './aws-request.js';
import { accessEntriesUnavailable, associatedPolicyOf, describeAccessEntry, entryNotFound, error, type EksReply, type EksRoute } from './eks-api.js';
import { authenticationModeOf, materializeAccessEntries } from './kube/mapping.js';
import type { AuthenticationMode, ScenarioAccessEntry, ScenarioAccessPolicy } from './scenario.js';

/** The one-way path of authenticationMode (EKS user guide, grant-k8s-access.html "set-cam"). */
const NEXT_MODE: Record<AuthenticationMode, AuthenticationMode | undefined> = { CONFIG_MAP: 'API_AND_CONFIG_MAP', API_AND_CONFIG_MAP: 'API', API: undefined };
const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];
/** access-entries.html: custom usernames and groups may not use these prefixes. */
const RESERVED_USERNAME = /^(system:|eks:|aws:|amazon:|iam:)/;

function bodyOf(req: AwsRequest): Record<string, unknown> | EksReply {
  try {
    const v: unknown = req.body.trim() === '' ? {} : JSON.parse(req.body);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  return error(400, 'BadRequestException', 'The request body could not be parsed as JSON.');
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);
const samePrincipal = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function handleEksWrite(req: AwsRequest, route: EksRoute, ctx: ServiceContext): EksReply {
  const { scenario } = ctx.state;
  if (route.operation === 'Unknown' || route.operation === 'CreateCluster' || route.operation === 'DeleteCluster' || route.operation === 'UpdateClusterVersion') {
    return error(400, 'InvalidRequestException', `${route.operation} is not supported by the emulator, which serves one existing cluster.`);
  }
  if (route.cluster !== scenario.cluster.name) return error(404, 'ResourceNotFoundException', `No cluster found for name: ${route.cluster}.`);
  const body = bodyOf(req);
  if ('status' in body && 'body' in body) return body as EksReply;
  const input = body as Record<string, unknown>;
  if (route.operation === 'UpdateClusterConfig') return updateClusterConfig(ctx, input);

  const modeError = accessEntriesUnavailable(ctx);
  if (modeError) return modeError;
  const entries = materializeAccessEntries(scenario);
  if (route.operation === 'CreateAccessEntry') return createAccessEntry(ctx, entries, input);
  const entry = entries.find((e) => e.principalArn === route.principalArn);
  if (!entry) return entryNotFound();
  switch (route.operation) {
    case 'DeleteAccessEntry':
      entries.splice(entries.indexOf(entry), 1);
      return changed(ctx, { status: 200, body: {} });
    case 'UpdateAccessEntry': {
      const invalid = invalidMapping(input);
      if (invalid) return invalid;
      if (input.kubernetesGroups !== undefined) entry.kubernetesGroups = strings(input.kubernetesGroups);
      if (typeof input.username === 'string') entry.username = input.username;
      entry.modifiedAt = Date.now();
      return changed(ctx, { status: 200, body: { accessEntry: describeAccessEntry(ctx, entry) } });
    }
    case 'AssociateAccessPolicy':
      return associateAccessPolicy(ctx, entry, input);
    case 'DisassociateAccessPolicy': {
      const policies = entry.policies ?? [];
      const at = policies.findIndex((p) => p.policyArn === route.policyArn);
      if (at < 0) return error(404, 'ResourceNotFoundException', `The specified policyArn could not be found. You can view your associated access policies with 'list-associated-access-policies'.`);
      policies.splice(at, 1);
      return changed(ctx, { status: 200, body: {} });
    }
    default:
      return error(400, 'InvalidRequestException', `${route.operation} is not supported by the emulator.`);
  }
}

/** The authenticator must see the change on its next request (EKS propagates access configuration at once here). */
function changed(ctx: ServiceContext, reply: EksReply): EksReply {
  ctx.state.mappingChanged();
  return reply;
}

function invalidMapping(input: Record<string, unknown>): EksReply | undefined {
  if (input.kubernetesGroups !== undefined && !strings(input.kubernetesGroups)) return error(400, 'InvalidParameterException', 'kubernetesGroups must be a list of strings.');
  const reservedGroup = (strings(input.kubernetesGroups) ?? []).find((g) => g.startsWith('system:'));
  if (reservedGroup) return error(400, 'InvalidParameterException', `The kubernetes group name ${reservedGroup} is invalid, it cannot start with system:`);
  if (typeof input.username === 'string' && RESERVED_USERNAME.test(input.username)) {
    return error(400, 'InvalidParameterException', `The username ${input.username} is invalid, it cannot start with system:, eks:, aws:, amazon:, or iam:`);
  }
  return undefined;
}

function createAccessEntry(ctx: ServiceContext, entries: ScenarioAccessEntry[], input: Record<string, unknown>): EksReply {
  const { scenario } = ctx.state;
  const principalArn = input.principalArn;
  if (typeof principalArn !== 'string' || principalArn === '') return error(400, 'InvalidParameterException', 'principalArn is required.');
  // EKS resolves the principal in IAM: a session ARN, or an ARN without the role's path, names nobody
  // (terraform-aws-modules/terraform-aws-eks#2969: "The specified principalArn is invalid: invalid principal.").
  const principal = scenario.principals.find((p) => samePrincipal(p.arn, principalArn) && !p.deleted);
  if (!principal || !/^arn:aws[\w-]*:iam::\d{12}:(role|user)\//.test(principalArn)) {
    return error(400, 'InvalidParameterException', 'The specified principalArn is invalid: invalid principal.');
  }
  if (entries.some((e) => samePrincipal(e.principalArn, principalArn))) {
    return error(409, 'ResourceInUseException', 'The specified access entry resource is already in use on this cluster.');
  }
  const invalid = invalidMapping(input);
  if (invalid) return invalid;
  const entry: ScenarioAccessEntry = {
    principalArn: principal.arn,
    type: typeof input.type === 'string' ? input.type : 'STANDARD',
    ...(typeof input.username === 'string' && { username: input.username }),
    kubernetesGroups: strings(input.kubernetesGroups) ?? [],
    policies: [],
    createdAt: Date.now(),
  };
  entries.push(entry);
  return changed(ctx, { status: 200, body: { accessEntry: describeAccessEntry(ctx, entry) } });
}

function associateAccessPolicy(ctx: ServiceContext, entry: ScenarioAccessEntry, input: Record<string, unknown>): EksReply {
  const policyArn = input.policyArn;
  if (typeof policyArn !== 'string' || !ACCESS_POLICIES.some((p) => p.arn === policyArn)) {
    return error(400, 'InvalidParameterException', `The specified policyArn is invalid. You can view the available access policies with 'list-access-policies'.`);
  }
  const scope = input.accessScope as { type?: unknown; namespaces?: unknown } | undefined;
  if (!scope || (scope.type !== 'cluster' && scope.type !== 'namespace')) return error(400, 'InvalidParameterException', 'accessScope.type must be cluster or namespace.');
  const namespaces = strings(scope.namespaces) ?? [];
  if (scope.type === 'namespace' && namespaces.length === 0) return error(400, 'InvalidParameterException', 'accessScope.namespaces is required for a namespace scope.');
  const policy: ScenarioAccessPolicy = { policyArn, accessScope: { type: scope.type, ...(scope.type === 'namespace' && { namespaces }) }, associatedAt: Date.now() };
  entry.policies = [...(entry.policies ?? []).filter((p) => p.policyArn !== policyArn), policy];
  return changed(ctx, {
    status: 200,
    body: { clusterName: ctx.state.scenario.cluster.name, principalArn: entry.principalArn, associatedAccessPolicy: associatedPolicyOf(ctx, entry, policy) },
  });
}

/** UpdateClusterConfig: one of accessConfig, logging or resourcesVpcConfig per call; applied at once. */
function updateClusterConfig(ctx: ServiceContext, input: Record<string, unknown>): EksReply {
  const cluster = ctx.state.scenario.cluster;
  const kinds = ['accessConfig', 'logging', 'resourcesVpcConfig'].filter((k) => input[k] !== undefined);
  if (kinds.length !== 1) return error(400, 'InvalidParameterException', 'Only one type of update can be allowed.');
  const update = (type: string, params: { type: string; value: string }[]) => ({
    status: 200,
    body: { update: { id: randomUUID(), status: 'InProgress', type, params, createdAt: Math.floor(Date.now() / 1000), errors: [] } },
  });
  if (kinds[0] === 'accessConfig') {
    const wanted = (input.accessConfig as { authenticationMode?: unknown }).authenticationMode;
    const current = authenticationModeOf(ctx.state.scenario);
    if (typeof wanted !== 'string' || NEXT_MODE[current] !== wanted) {
      return error(400, 'InvalidParameterException', `Unsupported authentication mode update from ${current} to ${String(wanted)}`);
    }
    cluster.authenticationMode = wanted as AuthenticationMode;
    // Enabling access entries gives the creator the entry EKS bootstraps (access-entries.html).
    materializeAccessEntries(ctx.state.scenario);
    return changed(ctx, update('AccessConfigUpdate', [{ type: 'AuthenticationMode', value: wanted }]));
  }
  if (kinds[0] === 'logging') {
    const setups = ((input.logging as { clusterLogging?: unknown }).clusterLogging ?? []) as { types?: unknown; enabled?: unknown }[];
    const enabled = new Set(cluster.logging ?? []);
    for (const s of Array.isArray(setups) ? setups : []) {
      const types = strings(s.types) ?? [];
      const unknown = types.find((t) => !LOG_TYPES.includes(t));
      if (unknown) return error(400, 'InvalidParameterException', `Invalid log type: ${unknown}`);
      for (const t of types) (s.enabled === true ? enabled.add(t) : enabled.delete(t));
    }
    cluster.logging = LOG_TYPES.filter((t) => enabled.has(t));
    ctx.state.logs.setEnabledTypes(cluster.logging);
    return update('LoggingUpdate', [{ type: 'ClusterLogging', value: JSON.stringify(input.logging) }]);
  }
  const vpc = input.resourcesVpcConfig as { endpointPublicAccess?: unknown; endpointPrivateAccess?: unknown; publicAccessCidrs?: unknown };
  const params: { type: string; value: string }[] = [];
  if (typeof vpc.endpointPublicAccess === 'boolean') {
    cluster.endpointPublicAccess = vpc.endpointPublicAccess;
    params.push({ type: 'EndpointPublicAccess', value: String(vpc.endpointPublicAccess) });
  }
  if (typeof vpc.endpointPrivateAccess === 'boolean') {
    cluster.endpointPrivateAccess = vpc.endpointPrivateAccess;
    params.push({ type: 'EndpointPrivateAccess', value: String(vpc.endpointPrivateAccess) });
  }
  const cidrs = strings(vpc.publicAccessCidrs);
  if (cidrs) {
    cluster.publicAccessCidrs = cidrs;
    params.push({ type: 'PublicAccessCidrs', value: JSON.stringify(cidrs) });
  }
  return update('EndpointAccessUpdate', params);
}
