/** A word for what a YAML value is, for messages like "is a string, not a list". */
export function yamlKind(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Date) return 'timestamp';
  if (typeof v === 'object') return 'mapping';
  return typeof v;
}
