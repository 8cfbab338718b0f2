/**
 * The caller's IAM principal as IAM knows it (SPEC §10.3): `GetRole`/`GetUser` give the full ARN
 * with its path (session ARNs drop it), whether the principal still exists, and its `CreateDate`, the
 * tell of a principal deleted and re-created under the same name. Read-only; never throws.
 */
import { GetRoleCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { parseArn } from './arn.js';
import type { AwsClients } from './aws/clients.js';
import { classifyAwsError } from './aws/errors.js';

export type IamPrincipal =
  | {
      ok: true;
      exists: true;
      kind: 'role' | 'user';
      /** The ARN with its IAM path. */
      arn: string;
      path: string;
      /** ISO 8601. */
      createdAt?: string;
      /** The unique ID (AROA… / AIDA…). */
      id?: string;
    }
  /** IAM answered NoSuchEntity: the principal was deleted. */
  | { ok: true; exists: false; kind: 'role' | 'user'; arn: string }
  /** Root, federated users and other principals have no role or user to read. */
  | { ok: true; exists: undefined; kind: 'none'; arn: string }
  | { ok: false; problem: 'denied' | 'unreachable' | 'other'; action: 'iam:GetRole' | 'iam:GetUser'; message: string };

/** Reads the role or user behind a canonical principal ARN (a role ARN without path, a user ARN). */
export async function readIamPrincipal(iam: IAMClient, principalArn: string, signal?: AbortSignal): Promise<IamPrincipal> {
  const p = parseArn(principalArn);
  if (!p || (p.kind !== 'role' && p.kind !== 'user')) return { ok: true, exists: undefined, kind: 'none', arn: principalArn };
  const kind = p.kind;
  const action = kind === 'role' ? 'iam:GetRole' : 'iam:GetUser';
  try {
    const entity = kind === 'role' ? await getRole(iam, p.name, signal) : await getUser(iam, p.name, signal);
    if (!entity?.arn) return { ok: false, problem: 'other', action, message: `${action} answered without an ARN` };
    return { ok: true, exists: true, kind, arn: entity.arn, path: entity.path ?? '/', ...(entity.createdAt && { createdAt: entity.createdAt.toISOString() }), ...(entity.id && { id: entity.id }) };
  } catch (err) {
    const c = classifyAwsError(err);
    if (c.kind === 'not-found') return { ok: true, exists: false, kind, arn: principalArn };
    return { ok: false, problem: c.kind === 'denied' ? 'denied' : c.kind === 'unreachable' || c.kind === 'throttled' ? 'unreachable' : 'other', action, message: c.message };
  }
}

interface Entity {
  arn?: string;
  path?: string;
  createdAt?: Date;
  id?: string;
}

async function getRole(iam: IAMClient, name: string, signal?: AbortSignal): Promise<Entity | undefined> {
  const role = (await iam.send(new GetRoleCommand({ RoleName: name }), { abortSignal: signal })).Role;
  return role && { arn: role.Arn, path: role.Path, createdAt: role.CreateDate, id: role.RoleId };
}

async function getUser(iam: IAMClient, name: string, signal?: AbortSignal): Promise<Entity | undefined> {
  const user = (await iam.send(new GetUserCommand({ UserName: name }), { abortSignal: signal })).User;
  return user && { arn: user.Arn, path: user.Path, createdAt: user.CreateDate, id: user.UserId };
}

/** The run's IAM client, on its working credentials (IAM is global: the SDK picks the partition's endpoint). */
export function iamOf(clients: AwsClients): IAMClient {
  return clients.serviceClient('IAM', (config) => new IAMClient(config));
}
