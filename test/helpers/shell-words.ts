/**
 * A small POSIX-shell lexer for fix commands (issue 13 §3): single quotes literal, double quotes with only
 * "$NAME" allowed inside; anything that would make a pasted line more than one plain command is an error.
 * The paste-safety test checks with it; the fix-proof suite runs commands through it (no shell).
 */
/** The words of a command as the shell reads it as the shell reads it, or why it is not paste-safe. */
export function shellWords(command: string): { words: string[]; expansions: string[] } | { error: string } {
  const words: string[] = [];
  const expansions: string[] = [];
  let word: string | undefined;
  let i = 0;
  const add = (s: string) => (word = (word ?? '') + s);
  while (i < command.length) {
    const c = command[i]!;
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) return { error: 'unterminated single quote' };
      add(command.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < command.length && command[j] !== '"'; j++) {
        const d = command[j]!;
        if (d === '\\' && '"\\$`'.includes(command[j + 1] ?? '')) text += command[++j];
        else if (d === '`') return { error: 'backtick inside double quotes' };
        else if (d === '!') return { error: '"!" inside double quotes (history expansion)' };
        else if (d === '$') {
          const name = /^\$([A-Z_][A-Z0-9_]*)/.exec(command.slice(j));
          // Only "$NAME" quoted on its own: a placeholder the reader sets, never a substitution or a split.
          if (!name || j !== i + 1 || command[j + name[0].length] !== '"') return { error: `expansion in double quotes other than "$NAME": ${command.slice(i, i + 40)}` };
          expansions.push(name[1]!);
          text += `$${name[1]}`;
          j += name[0].length - 1;
        } else text += d;
      }
      if (j >= command.length) return { error: 'unterminated double quote' };
      add(text);
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= command.length) return { error: 'trailing backslash (line continuation)' };
      add(command[i + 1]!);
      i += 2;
    } else if ('<>|;&`()\n'.includes(c)) {
      return { error: `unquoted ${JSON.stringify(c)} at ${i}: ${command.slice(Math.max(0, i - 20), i + 20)}` };
    } else if (c === '$') {
      return { error: `unquoted expansion at ${i}: ${command.slice(i, i + 30)}` };
    } else if ('*?[]{}!'.includes(c)) {
      return { error: `unquoted ${JSON.stringify(c)} (glob, brace or history expansion) at ${i}: ${command.slice(Math.max(0, i - 20), i + 20)}` };
    } else if ((c === '#' || c === '~') && word === undefined) {
      return { error: `unquoted ${c} at the start of a word` };
    } else {
      add(c);
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  if (words.length === 0) return { error: 'empty command' };
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) return { error: 'starts with a variable assignment' };
  return { words, expansions };
}

