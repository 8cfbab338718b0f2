/**
 * The emulator decodes the protobuf bodies kubectl 1.32 sends for built-in objects (issue 13 §4: the
 * fixes' `kubectl create clusterrolebinding` must work against it as against EKS). The bytes are built
 * here field by field from rbac/v1 and meta/v1 generated.proto, independently of the decoder.
 */
import { describe, expect, it } from 'vitest';
import { decodeProtobufObject } from '../../packages/eks-emulator/src/kube/protobuf.js';

const varint = (n: number): number[] => {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n = Math.floor(n / 128);
  } while (n > 0);
  return out;
};
const bytes = (no: number, b: Buffer): Buffer => Buffer.from([...varint(no * 8 + 2), ...varint(b.length), ...b]);
const str = (no: number, s: string) => bytes(no, Buffer.from(s, 'utf8'));
const msg = (no: number, ...parts: Buffer[]) => bytes(no, Buffer.concat(parts));
const envelope = (apiVersion: string, kind: string, raw: Buffer) => Buffer.concat([Buffer.from('k8s\0', 'latin1'), msg(1, str(1, apiVersion), str(2, kind)), bytes(2, raw), str(3, ''), str(4, 'application/vnd.kubernetes.protobuf')]);

describe('Kubernetes protobuf request bodies (runtime.Unknown + rbac/v1, core/v1)', () => {
  it('a ClusterRoleBinding as kubectl create clusterrolebinding sends it', () => {
    const raw = Buffer.concat([
      msg(1, str(1, 'dana-view'), str(2, '')),
      msg(2, str(1, 'User'), str(2, 'rbac.authorization.k8s.io'), str(3, 'arn:aws:iam::111122223333:user/dana'), str(4, '')),
      msg(3, str(1, 'rbac.authorization.k8s.io'), str(2, 'ClusterRole'), str(3, 'view')),
    ]);
    expect(decodeProtobufObject(envelope('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', raw))).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'dana-view' },
      subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'arn:aws:iam::111122223333:user/dana' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    });
  });

  it('a ConfigMap with its data map and metadata labels', () => {
    const raw = Buffer.concat([msg(1, str(1, 'aws-auth'), str(3, 'kube-system'), msg(11, str(1, 'app'), str(2, 'x'))), msg(2, str(1, 'mapRoles'), str(2, '- rolearn: r\n'))]);
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system', labels: { app: 'x' } }, data: { mapRoles: '- rolearn: r\n' } });
  });

  it.each([
    ['no magic', Buffer.from('{"kind":"ConfigMap"}')],
    ['a truncated length', Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, 0x7f, 0x01])])],
    ['a kind it does not decode', envelope('v1', 'Secret', Buffer.alloc(0))],
  ])('%s → undefined (a 400, never a crash)', (_, body) => {
    expect(decodeProtobufObject(body)).toBeUndefined();
  });
});
