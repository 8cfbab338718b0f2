/**
 * Text from outside (kubeconfig names, log lines, API answers, plugin output) reaches a terminal or a
 * Markdown viewer through the human formats. Control characters and escape sequences would be obeyed
 * there (an OSC 52 sequence in a context name writes the clipboard), and bidi overrides reorder what
 * is shown (CVE-2021-42574): every such character is shown as a visible escape instead.
 */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function inertText(text: string): string {
  return text.replace(UNSAFE, (c) => (c === '\t' ? '    ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/** A deep copy of the report with every string made inert (newlines inside strings kept: they are layout the renderer owns). */
export function inert<T>(value: T): T {
  return walk(value) as T;
}

function walk(value: unknown): unknown {
  if (typeof value === 'string') return value.split('\n').map(inertText).join('\n');
  if (Array.isArray(value)) return value.map(walk);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [inertText(k), walk(v)]));
  return value;
}
