/**
 * The Kubernetes protobuf encoding of the objects kubectl writes, decoded into their JSON form. kubectl
 * 1.32 sends `application/vnd.kubernetes.protobuf` for built-in types (`kubectl create clusterrolebinding`),
 * which every real API server accepts. Wire format: the magic `k8s\0`, then a runtime.Unknown
 * {typeMeta=1 {apiVersion=1, kind=2}, raw=2, contentEncoding=3, contentType=4}
 * (apimachinery pkg/runtime/serializer/protobuf, pkg/runtime/generated.proto), whose `raw` is the object:
 * rbac/v1 generated.proto (ClusterRoleBinding and RoleBinding: metadata=1, subjects=2, roleRef=3;
 * Subject: kind=1, apiGroup=2, name=3, namespace=4; RoleRef: apiGroup=1, kind=2, name=3), core/v1
 * ConfigMap (metadata=1, data=2), meta/v1 ObjectMeta (name=1, generateName=2, namespace=3, labels=11,
 * annotations=12).
 */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Field = { no: number; wire: number; bytes?: Buffer; varint?: number };

/** The fields of one message, in order; undefined when the bytes are not a well-formed message. */
function fields(buf: Buffer): Field[] | undefined {
  const out: Field[] = [];
  let i = 0;
  const varint = (): number | undefined => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (i >= buf.length) return undefined;
      const b = buf[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
    return undefined;
  };
  while (i < buf.length) {
    const key = varint();
    if (key === undefined) return undefined;
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      const v = varint();
      if (v === undefined) return undefined;
      out.push({ no, wire, varint: v });
    } else if (wire === 2) {
      const len = varint();
      if (len === undefined || i + len > buf.length) return undefined;
      out.push({ no, wire, bytes: buf.subarray(i, i + len) });
      i += len;
    } else if (wire === 1 || wire === 5) {
      i += wire === 1 ? 8 : 4;
      if (i > buf.length) return undefined;
    } else {
      return undefined;
    }
  }
  return out;
}

const str = (f: Field[], no: number): string | undefined => f.find((x) => x.no === no && x.bytes)?.bytes!.toString('utf8');
const msg = (f: Field[], no: number): Field[] | undefined => {
  const b = f.find((x) => x.no === no && x.bytes)?.bytes;
  return b ? fields(b) : undefined;
};
const all = (f: Field[], no: number): Field[][] => f.filter((x) => x.no === no && x.bytes).map((x) => fields(x.bytes!) ?? []);
/** A map<string,string>: repeated entries {key=1, value=2}. */
const map = (f: Field[], no: number): Record<string, string> | undefined => {
  const entries = all(f, no);
  return entries.length ? Object.fromEntries(entries.map((e) => [str(e, 1) ?? '', str(e, 2) ?? ''])) : undefined;
};
// Go's omitempty: a proto2 string sent empty is absent in the JSON form.
const defined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;

function objectMeta(f: Field[] | undefined): Record<string, unknown> {
  if (!f) return {};
  return defined({ name: str(f, 1), generateName: str(f, 2), namespace: str(f, 3), labels: map(f, 11), annotations: map(f, 12) });
}

function binding(f: Field[]): Record<string, unknown> {
  const ref = msg(f, 3);
  return defined({
    metadata: objectMeta(msg(f, 1)),
    subjects: all(f, 2).map((s) => defined({ kind: str(s, 1), apiGroup: str(s, 2), name: str(s, 3), namespace: str(s, 4) })),
    roleRef: ref ? defined({ apiGroup: str(ref, 1), kind: str(ref, 2), name: str(ref, 3) }) : undefined,
  });
}

const DECODERS: Record<string, (f: Field[]) => Record<string, unknown>> = {
  ClusterRoleBinding: binding,
  RoleBinding: binding,
  ConfigMap: (f) => defined({ metadata: objectMeta(msg(f, 1)), data: map(f, 2) ?? {} }),
};

/** The object a protobuf request body carries, as JSON; undefined when it is not one of the kinds above. */
export function decodeProtobufObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const unknown = fields(body.subarray(MAGIC.length));
  const typeMeta = unknown && msg(unknown, 1);
  const raw = unknown?.find((x) => x.no === 2 && x.bytes)?.bytes;
  const kind = typeMeta && str(typeMeta, 2);
  const decode = kind ? DECODERS[kind] : undefined;
  const object = raw && fields(raw);
  if (!decode || !object) return undefined;
  return { apiVersion: str(typeMeta!, 1), kind, ...decode(object) };
}
