import type { Fix } from '../../rules/rule.js';

/** One line of a fix as every renderer shows it: a command to paste, or a note about the commands. */
export type FixLine = { kind: 'command'; text: string } | { kind: 'note'; text: string } | { kind: 'insert'; text: string };

/**
 * A fix's commands in order, with the lines to add right after the command that opens the editor, the
 * placeholders explained, and the alternative after them: the same sequence in text, Markdown, GitHub and JUnit.
 */
export function fixLines(fix: Fix): FixLine[] {
  const out: FixLine[] = [];
  const commands = (list: string[]) => {
    for (const text of list) {
      out.push({ kind: 'command', text });
      if (fix.insert && /^kubectl edit /.test(text)) {
        out.push({ kind: 'note', text: `then add, ${fix.insert.where}:` });
        for (const line of fix.insert.lines) out.push({ kind: 'insert', text: line });
      }
    }
  };
  commands(fix.commands);
  for (const [name, meaning] of Object.entries(fix.placeholders ?? {})) out.push({ kind: 'note', text: `where $${name} is ${meaning}` });
  if (fix.alternative) {
    out.push({ kind: 'note', text: `Or: ${fix.alternative.summary}` });
    commands(fix.alternative.commands);
  }
  return out;
}

/** Plain lines for formats without colour: commands indented by two, inserted lines by four, notes flush. */
export function plainFixLines(fix: Fix): string[] {
  return fixLines(fix).map((l) => (l.kind === 'command' ? `  ${l.text}` : l.kind === 'insert' ? `    ${l.text}` : l.text));
}
