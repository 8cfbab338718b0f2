import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command, Option } from 'commander';
import { collectOutput } from '../output.js';

/**
 * `eksdoctor completion bash|zsh|fish`: a completion script generated from commander's own command and
 * option definitions (so it cannot drift from the CLI), which calls back into `eksdoctor __complete
 * LIST` for the lists that change: rule IDs, scenario names, kubeconfig contexts.
 */

export type Shell = 'bash' | 'zsh' | 'fish';

/** Lists `__complete` prints, one `value<TAB>description` per line. */
type DynamicList = 'contexts' | 'rules' | 'scenarios';

type Values = { kind: 'none' } | { kind: 'any' } | { kind: 'files' } | { kind: 'dirs' } | { kind: 'choices'; choices: string[] } | { kind: 'list'; list: DynamicList };

interface OptionSpec {
  long?: string;
  short?: string;
  description: string;
  values: Values;
  /** Takes `FORMAT=FILE` too (`--output`): after the `=`, a file. */
  fileValued: boolean;
}

interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  /** What the positional arguments complete to (all of them alike: at most one kind per command here). */
  operands: Values;
}

interface ProgramSpec {
  name: string;
  globalOptions: OptionSpec[];
  commands: CommandSpec[];
}

// What an option's or argument's value is, by its name: commander knows that a value is taken and its
// choices, not that it is a file or a kubeconfig context.
const OPTION_VALUES: Record<string, Values> = {
  '--kubeconfig': { kind: 'files' },
  '--aws-auth-file': { kind: 'files' },
  '--context': { kind: 'list', list: 'contexts' },
  '--scenario': { kind: 'list', list: 'scenarios' },
  '--dir': { kind: 'dirs' },
};
const ARGUMENT_VALUES: Record<string, Values> = {
  'rule-id': { kind: 'list', list: 'rules' },
  scenario: { kind: 'list', list: 'scenarios' },
  file: { kind: 'files' },
};

function optionSpec(o: Option): OptionSpec {
  const takesValue = o.required || o.optional;
  const values: Values = !takesValue
    ? { kind: 'none' }
    : o.argChoices
      ? { kind: 'choices', choices: [...o.argChoices] }
      : (OPTION_VALUES[o.long ?? ''] ?? { kind: 'any' });
  return { ...(o.long && { long: o.long }), ...(o.short && { short: o.short }), description: o.description, values, fileValued: o.parseArg === collectOutput };
}

/** The command tree as commander's help sees it: visible commands (and `help`) and their visible options. */
export function programSpec(program: Command): ProgramSpec {
  const help = program.createHelp();
  return {
    name: program.name(),
    globalOptions: help.visibleOptions(program).map(optionSpec),
    commands: help.visibleCommands(program).map((cmd) => {
      const arg = cmd.registeredArguments[0];
      const operands: Values =
        cmd.name() === 'help'
          ? { kind: 'choices', choices: help.visibleCommands(program).map((c) => c.name()).filter((n) => n !== 'help') }
          : !arg
            ? { kind: 'none' }
            : arg.argChoices
              ? { kind: 'choices', choices: [...arg.argChoices] }
              : (ARGUMENT_VALUES[arg.name()] ?? { kind: 'any' });
      return { name: cmd.name(), description: cmd.description(), options: help.visibleOptions(cmd).map(optionSpec), operands };
    }),
  };
}

export function completionScript(shell: Shell, program: Command): string {
  const spec = programSpec(program);
  return shell === 'bash' ? bashScript(spec) : shell === 'zsh' ? zshScript(spec) : fishScript(spec);
}

export function completionCommand(shell: string, program: Command): number {
  process.stdout.write(completionScript(shell as Shell, program));
  return 0;
}

// --- bash -------------------------------------------------------------------------------------------

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const names = (o: OptionSpec) => [o.long, o.short].filter((n): n is string => n !== undefined);

/** Shell code (bash/zsh) printing the candidates of `v` one per line; `files`/`dirs` print a marker. */
function bashCandidates(v: Values): string {
  switch (v.kind) {
    case 'choices':
      return `printf '%s\\n' ${v.choices.map(sq).join(' ')}`;
    case 'list':
      return `_eksdoctor_list ${v.list}`;
    case 'files':
      return 'echo __files__';
    case 'dirs':
      return 'echo __dirs__';
    default:
      return ':';
  }
}

function bashScript(spec: ProgramSpec): string {
  const valued = (opts: OptionSpec[]) => opts.filter((o) => o.values.kind !== 'none');
  const optionValueCases = spec.commands
    .flatMap((c) => valued(c.options).map((o) => `    ${sq(c.name)}/${names(o).map((n) => sq(n)).join(`|${sq(c.name)}/`)}) ${bashCandidates(o.values)} ;;`))
    .join('\n');
  const takesValueCases = spec.commands
    .filter((c) => valued(c.options).length > 0)
    .map((c) => `    ${sq(c.name)}) case $2 in ${valued(c.options).flatMap(names).map(sq).join('|')}) return 0 ;; esac ;;`)
    .join('\n');
  const optionLists = spec.commands.map((c) => `    ${sq(c.name)}) printf '%s\\n' ${c.options.flatMap((o) => (o.long ? [o.long] : names(o))).map(sq).join(' ')} ;;`).join('\n');
  const operandCases = spec.commands.filter((c) => c.operands.kind !== 'none').map((c) => `    ${sq(c.name)}) ${bashCandidates(c.operands)} ;;`).join('\n');
  const fileValued = spec.commands.flatMap((c) => c.options.filter((o) => o.fileValued).flatMap((o) => names(o).map((n) => `${sq(c.name)}/${sq(n)}`)));
  const fileValuedCases = fileValued.length > 0 ? `    ${fileValued.join('|')}) return 0 ;;` : '';
  return `# bash completion for ${spec.name} (generated by \`${spec.name} completion bash\` from its own command definitions).
# Load it in this shell:  source <(${spec.name} completion bash)
# or for every shell:     ${spec.name} completion bash > ~/.local/share/bash-completion/completions/${spec.name}

# Dynamic lists (rule IDs, scenarios, kubeconfig contexts) come from ${spec.name} itself, value<TAB>description per line.
_eksdoctor_list() {
  command ${spec.name} __complete "$1" -- "\${_eksdoctor_words[@]}" 2>/dev/null | cut -f1
}

# Whether option $2 of command $1 takes a value.
_eksdoctor_takes_value() {
  case $1 in
${takesValueCases}
  esac
  return 1
}

# Whether option $2 of command $1 takes FORMAT=FILE values (--output).
_eksdoctor_file_valued() {
  case "$1/$2" in
${fileValuedCases}
  esac
  return 1
}

_eksdoctor_option_values() {
  case "$1/$2" in
${optionValueCases}
  esac
}

_eksdoctor_options() {
  case $1 in
${optionLists}
  esac
}

_eksdoctor_operands() {
  case $1 in
${operandCases}
  esac
}

_eksdoctor() {
  # Words from the line up to the cursor, split on blanks only: a context named arn:aws:eks:…:cluster/x
  # or --output=json=r.json stays one word whatever COMP_WORDBREAKS says.
  local line=\${COMP_LINE:0:COMP_POINT}
  local -a _eksdoctor_words
  read -r -a _eksdoctor_words <<<"$line"
  [[ -z $line || $line == *[[:blank:]] ]] && _eksdoctor_words+=("")
  local n=\${#_eksdoctor_words[@]}
  local cur=\${_eksdoctor_words[n-1]} prev=""
  (( n > 1 )) && prev=\${_eksdoctor_words[n-2]}

  # The command: the first word after the program name that is not an option.
  local cmd="" i
  for (( i = 1; i < n - 1; i++ )); do
    case \${_eksdoctor_words[i]} in
      -*) ;;
      *) cmd=\${_eksdoctor_words[i]}; break ;;
    esac
  done

  local candidates="" value=$cur prefix=""
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then candidates=$(printf '%s\\n' ${spec.globalOptions.flatMap((o) => (o.long ? [o.long] : names(o))).map(sq).join(' ')})
    else candidates=$(printf '%s\\n' ${spec.commands.map((c) => sq(c.name)).join(' ')}); fi
  else
    local opt=""
    if [[ $cur == --*=* ]]; then
      # --option=value
      opt=\${cur%%=*}
      prefix=$opt=
      value=\${cur#*=}
    elif [[ $prev == -* ]] && _eksdoctor_takes_value "$cmd" "$prev"; then
      opt=$prev
    fi
    if [[ -n $opt && $value == *=* ]] && _eksdoctor_file_valued "$cmd" "$opt"; then
      # FORMAT=FILE: after the '=', a file.
      prefix+=\${value%%=*}=
      value=\${value#*=}
      candidates=__files__
    elif [[ -n $opt ]]; then
      candidates=$(_eksdoctor_option_values "$cmd" "$opt")
    elif [[ $cur == -* ]]; then
      candidates=$(_eksdoctor_options "$cmd")
    else
      candidates=$(_eksdoctor_operands "$cmd")
    fi
  fi

  COMPREPLY=()
  local c
  if [[ $candidates == __files__ || $candidates == __dirs__ ]]; then
    local flag=-f
    [[ $candidates == __dirs__ ]] && flag=-d
    while IFS= read -r c; do COMPREPLY+=("$prefix$c"); done < <(compgen $flag -- "$value")
    compopt -o filenames 2>/dev/null
  else
    while IFS= read -r c; do
      [[ -n $c && $c == "$value"* ]] && COMPREPLY+=("$prefix$c")
    done <<<"$candidates"
  fi

  # bash replaces only the part of the word after its last word break (':' and '=' by default): drop what
  # comes before it from every candidate, as bash-completion's __ltrim_colon_completions does.
  local breaks=""
  [[ $COMP_WORDBREAKS == *:* ]] && breaks+=":"
  [[ $COMP_WORDBREAKS == *=* ]] && breaks+="="
  if [[ -n $breaks && $cur == *["$breaks"]* ]]; then
    local typed=\${cur%"\${cur##*["$breaks"]}"}
    COMPREPLY=("\${COMPREPLY[@]#"$typed"}")
  fi
  return 0
}

complete -F _eksdoctor ${spec.name}
`;
}

// --- zsh --------------------------------------------------------------------------------------------

/** `name:description` for _describe, with the colons of the name escaped. */
const described = (name: string, description: string) => sq(`${name.replace(/:/g, '\\:')}:${description.replace(/\s+/g, ' ')}`);

function zshValues(v: Values): string {
  switch (v.kind) {
    case 'choices':
      return `compadd -- ${v.choices.map(sq).join(' ')}`;
    case 'list':
      return `_eksdoctor_list ${v.list}`;
    case 'files':
      return '_files';
    case 'dirs':
      return '_files -/';
    default:
      return '_message value';
  }
}

function zshScript(spec: ProgramSpec): string {
  const valued = (opts: OptionSpec[]) => opts.filter((o) => o.values.kind !== 'none');
  const optionValueCases = spec.commands
    .flatMap((c) => valued(c.options).map((o) => `    ${names(o).map((n) => sq(`${c.name}/${n}`)).join('|')}) ${zshValues(o.values)}; return 0 ;;`))
    .join('\n');
  const optionLists = spec.commands
    .map((c) => `    ${sq(c.name)}) opts=(${c.options.flatMap((o) => names(o).map((n) => described(n, o.description))).join(' ')}) ;;`)
    .join('\n');
  const operandCases = spec.commands.filter((c) => c.operands.kind !== 'none').map((c) => `    ${sq(c.name)}) ${zshValues(c.operands)} ;;`).join('\n');
  return `#compdef ${spec.name}
# zsh completion for ${spec.name} (generated by \`${spec.name} completion zsh\` from its own command definitions).
# Load it in this shell (after compinit):  source <(${spec.name} completion zsh)
# or for every shell:  ${spec.name} completion zsh > "\${fpath[1]}/_${spec.name}"

# Dynamic lists (rule IDs, scenarios, kubeconfig contexts) come from ${spec.name} itself, value<TAB>description per line.
_eksdoctor_list() {
  local -a lines items
  lines=("\${(@f)$(command ${spec.name} __complete "$1" -- "\${words[@]}" 2>/dev/null)}")
  local l
  for l in "\${lines[@]}"; do
    [[ -n $l ]] && items+=("\${\${l%%$'\\t'*}//:/\\\\:}:\${l#*$'\\t'}")
  done
  _describe -t "$1" "$1" items
}

_eksdoctor() {
  local cmd="" i
  for (( i = 2; i < CURRENT; i++ )); do
    case \${words[i]} in
      -*) ;;
      *) cmd=\${words[i]}; break ;;
    esac
  done
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  local -a opts
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      opts=(${spec.globalOptions.flatMap((o) => names(o).map((n) => described(n, o.description))).join(' ')})
      _describe -t options option opts
    else
      local -a commands
      commands=(${spec.commands.map((c) => described(c.name, c.description)).join(' ')})
      _describe -t commands command commands
    fi
    return 0
  fi
  if [[ $cur == --*=* ]]; then
    compset -P '*='
    prev=\${cur%%=*}
  fi
  if [[ ( $prev == -o || $prev == --output ) && $PREFIX == *=* ]]; then
    compset -P '*='
    _files
    return 0
  fi
  case "$cmd/$prev" in
${optionValueCases}
  esac
  if [[ $cur == -* ]]; then
    case $cmd in
${optionLists}
    esac
    _describe -t options option opts
    return 0
  fi
  case $cmd in
${operandCases}
  esac
  return 0
}

if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _eksdoctor "$@"
else
  compdef _eksdoctor ${spec.name}
fi
`;
}

// --- fish -------------------------------------------------------------------------------------------

function fishArgs(v: Values, name: string): string {
  switch (v.kind) {
    case 'choices':
      return ` -x -a ${sq(v.choices.join(' '))}`;
    case 'list':
      return ` -x -a ${sq(`(command ${name} __complete ${v.list} -- (commandline -opc) 2>/dev/null)`)}`;
    case 'files':
      return ' -r -F';
    case 'dirs':
      return ` -x -a '(__fish_complete_directories)'`;
    case 'any':
      return ' -x';
    default:
      return '';
  }
}

/** Positional arguments: the same values, but as candidates for any word that is not an option. */
function fishOperands(v: Values, name: string): string {
  switch (v.kind) {
    case 'choices':
      return ` -a ${sq(v.choices.join(' '))}`;
    case 'list':
      return ` -a ${sq(`(command ${name} __complete ${v.list} -- (commandline -opc) 2>/dev/null)`)}`;
    case 'files':
      return ' -F';
    case 'dirs':
      return ` -a '(__fish_complete_directories)'`;
    default:
      return '';
  }
}

function fishScript(spec: ProgramSpec): string {
  const n = spec.name;
  const optionLine = (o: OptionSpec, condition: string) =>
    `complete -c ${n} -n ${sq(condition)}${o.long ? ` -l ${o.long.replace(/^--/, '')}` : ''}${o.short ? ` -s ${o.short.replace(/^-/, '')}` : ''}${fishArgs(o.values, n)} -d ${sq(o.description)}`;
  const lines = [
    `# fish completion for ${n} (generated by \`${n} completion fish\` from its own command definitions).`,
    `# Load it in this shell:  ${n} completion fish | source`,
    `# or for every shell:     ${n} completion fish > ~/.config/fish/completions/${n}.fish`,
    `complete -c ${n} -f`,
    ...spec.globalOptions.map((o) => optionLine(o, '__fish_use_subcommand')),
    ...spec.commands.map((c) => `complete -c ${n} -n '__fish_use_subcommand' -a ${sq(c.name)} -d ${sq(c.description)}`),
    ...spec.commands.flatMap((c) => {
      const condition = `__fish_seen_subcommand_from ${c.name}`;
      const operands = c.operands.kind === 'none' ? [] : [`complete -c ${n} -n ${sq(condition)}${fishOperands(c.operands, n)}`];
      return [...c.options.map((o) => optionLine(o, condition)), ...operands];
    }),
    '',
  ];
  return lines.join('\n');
}

// --- __complete ----------------------------------------------------------------------------------------

/**
 * `eksdoctor __complete LIST -- WORDS…` (hidden): the values of a dynamic list, `value<TAB>description`
 * per line. Offline, fast, and never an error: a shell's TAB must not print one (a broken kubeconfig
 * lists nothing). WORDS are the command line so far, for `--kubeconfig`.
 */
export async function completeCommand(list: string, words: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const lines = await dynamicList(list, words, env);
    if (lines.length > 0) process.stdout.write(`${lines.map((l) => l.replace(/[\r\n]+/g, ' ')).join('\n')}\n`);
  } catch {
    // Nothing to offer.
  }
  return 0;
}

async function dynamicList(list: string, words: string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  switch (list) {
    case 'rules': {
      const { RULES } = await import('../../rules/index.js');
      return RULES.map((r) => `${r.id}\t${r.title}`);
    }
    case 'scenarios': {
      const { listScenarios } = await import('eks-emulator');
      return listScenarios().map((s) => `${s.name}\t${s.description}`);
    }
    case 'contexts': {
      const option = kubeconfigOption(words, env);
      if (option === '-') return []; // stdin: nothing to read at completion time
      const { loadKubeconfig } = await import('../../facts/kubeconfig.js');
      const kc = await loadKubeconfig(option, env);
      return [...kc.contexts.values()].map((c) => `${c.name}\t${c.cluster}${c.name === kc.currentContext ? ' (current)' : ''}`);
    }
    default:
      return [];
  }
}

/** `--kubeconfig PATH` or `--kubeconfig=PATH` from the words typed so far, with a leading `~/` as the shell would expand it. */
function kubeconfigOption(words: string[], env: NodeJS.ProcessEnv): string | undefined {
  let path: string | undefined;
  words.forEach((w, i) => {
    if (w === '--kubeconfig' && i + 1 < words.length && words[i + 1] !== '') path = words[i + 1];
    else if (w.startsWith('--kubeconfig=')) path = w.slice('--kubeconfig='.length);
  });
  if (path === undefined) return undefined;
  return path === '~' || path.startsWith('~/') ? join(env.HOME || homedir(), path.slice(1)) : path;
}
