import yaml from 'js-yaml';

/** Kubernetes refuses a ConfigMap over 1 MiB, so a larger section cannot come from a real cluster. */
export const MAX_SECTION_CHARS = 1024 * 1024;
/** Far above any real aws-auth; bounds the work hostile input can cause. */
export const MAX_ENTRIES = 5000;

export interface SectionItem {
  value: unknown;
  /** 1-based line (within the section) where the item starts. */
  line: number;
  /** 1-based line of each key of a block-mapping item, by lower-cased key. */
  keyLines: Map<string, number>;
}

export type SectionLoad =
  | { ok: true; root: unknown; items: SectionItem[] }
  | { ok: false; reason: string; line?: number };

/** js-yaml's parser state carries the nesting depth; its published types leave it out. */
type ParserState = yaml.State & { depth: number };

/**
 * Loads one aws-auth section (a YAML string inside the ConfigMap) and remembers where each list item and
 * each of its keys sit, so findings can point at a line. Never throws: js-yaml shares aliased nodes
 * (alias bombs stay small) and limits nesting depth and merge keys.
 */
export function loadSection(text: string, schema: yaml.Schema = yaml.DEFAULT_SCHEMA): SectionLoad {
  if (text.length > MAX_SECTION_CHARS) return { ok: false, reason: `section is larger than ${MAX_SECTION_CHARS / 1048576} MiB, the ConfigMap size limit` };
  if (text.includes('\u0000')) return { ok: false, reason: 'section contains binary data, not YAML' };

  // Depth 1 is the section's root, depth 2 its items, depth 3 an item's keys and values in turn.
  const items: { openLine: number; closes: { line: number; result: unknown }[] }[] = [];
  const listener = (event: yaml.EventType, parser: yaml.State) => {
    const state = parser as ParserState;
    if (event === 'open' && state.depth === 2) items.push({ openLine: state.line, closes: [] });
    else if (event === 'close' && state.depth === 3) items[items.length - 1]?.closes.push({ line: state.line, result: state.result });
  };

  let root: unknown;
  try {
    // json: duplicate keys are allowed, the last one wins, as in the authenticator's YAML-to-JSON step.
    root = yaml.load(text, { schema, json: true, listener });
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      const mark = err.mark as { line?: number } | undefined;
      return { ok: false, reason: err.reason || 'invalid YAML', line: typeof mark?.line === 'number' ? mark.line + 1 : undefined };
    }
    return { ok: false, reason: err instanceof Error ? err.message : 'invalid YAML' };
  }
  if (!Array.isArray(root)) return { ok: true, root, items: [] };

  // Line bookkeeping only holds when every listed item was one depth-2 node (true for block and flow lists).
  const aligned = items.length === root.length;
  const out: SectionItem[] = root.slice(0, MAX_ENTRIES).map((value, i) => {
    const it = aligned ? items[i] : undefined;
    const keyLines = new Map<string, number>();
    if (it) {
      for (let k = 0; k + 1 < it.closes.length; k += 2) {
        const key = it.closes[k]!.result;
        if (typeof key === 'string') keyLines.set(key.toLowerCase(), it.closes[k]!.line + 1);
      }
    }
    const first = it?.closes[0];
    const line = first && typeof first.result === 'string' ? first.line + 1 : (it?.openLine ?? 0) + 1;
    return { value, line, keyLines };
  });
  return { ok: true, root, items: out };
}

/** A word for what a YAML value is, for messages like "is a string, not a list". */
export function yamlKind(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Date) return 'timestamp';
  if (typeof v === 'object') return 'mapping';
  return typeof v;
}
