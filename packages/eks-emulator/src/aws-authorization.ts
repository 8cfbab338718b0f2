/**
 * Whether IAM lets a caller make a call. A principal under `enforcePolicy` has exactly the permissions
 * of that document; every other principal may do everything except what the scenario's `deny:` list
 * refuses and, for the EKS write APIs, unless it is an `iamAdmin` or the cluster's creator (the one
 * principal a fresh account's story certainly gave them to). Denials are worded as AWS words them
 * (IAM User Guide, troubleshoot_access-denied.html: "… because no identity-based policy allows the …
 * action" / "… with an explicit deny in an identity-based policy").
 */
import { EKS_WRITE_ACTIONS, type IamRequest } from './iam-actions.js';
import { evaluatePolicy, type PolicyDecision } from './iam-policy.js';
import { principalOfCaller, type EmulatorState, type IssuedIdentity } from './state.js';

export interface Denial extends IamRequest {
  message: string;
}

export function accessDeniedMessage(callerArn: string, r: IamRequest, decision: Exclude<PolicyDecision, 'allow'>): string {
  const why = decision === 'explicit-deny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${r.action} action`;
  return `User: ${callerArn} is not authorized to perform: ${r.action} on resource: ${r.resource} ${why}`;
}

function baselineDecision(state: EmulatorState, caller: IssuedIdentity, action: string): PolicyDecision {
  if ((state.scenario.deny ?? []).includes(action)) return 'implicit-deny';
  if (EKS_WRITE_ACTIONS.has(action)) {
    const p = principalOfCaller(state.scenario, caller);
    const admin = !!p && (p.iamAdmin === true || p.name === state.scenario.cluster.creator);
    return admin ? 'allow' : 'implicit-deny';
  }
  return 'allow';
}

/** undefined = allowed (or never decided by IAM). */
export function authorizeCall(state: EmulatorState, caller: IssuedIdentity, request: IamRequest | undefined): Denial | undefined {
  if (!request) return undefined;
  const enforced = state.enforcedPolicyFor(caller);
  const decision = enforced ? evaluatePolicy(enforced, request.action, request.resource) : baselineDecision(state, caller, request.action);
  if (decision === 'allow') return undefined;
  return { ...request, message: accessDeniedMessage(caller.arn, request, decision) };
}
