/**
 * The shell scripts `alma-users completion SHELL` prints. Each hands the words of the line
 * (after the program's name, the word being completed last) to the hidden `__complete`
 * command, which answers one candidate a line with a tab before its description, and
 * falls back to file names when it offers nothing (a file argument, an unknown option).
 * The store the names come from is the one the line names (--db) or the shell's
 * ALMA_USERS_DB: __complete reads them from the words and its environment.
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** A shell function name made of the program's name: alma-users -> _alma_users. */
function fn(program: string): string {
  return `_${program.replace(/[^A-Za-z0-9]/g, '_')}`;
}

function bash(program: string): string {
  const f = fn(program);
  return `# bash completion for ${program}
# Load it now:    source <(${program} completion bash)
# For good:       ${program} completion bash > ~/.local/share/bash-completion/completions/${program}
${f}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} line
  local IFS=$'\\n'
  local -a found
  found=($(${program} __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
  COMPREPLY=()
  for line in "\${found[@]}"; do
    line=\${line%%$'\\t'*}
    # A quoted word keeps its quotes; otherwise spaces and quotes in a name are escaped.
    if [[ $cur == [\\"\\']* ]]; then COMPREPLY+=("$line"); else COMPREPLY+=("$(printf '%q' "$line")"); fi
  done
}
complete -o default -F ${f} ${program}
`;
}

function zsh(program: string): string {
  const f = fn(program);
  return `#compdef ${program}
# zsh completion for ${program}
# Load it now:    source <(${program} completion zsh)
# For good:       ${program} completion zsh > "\${fpath[1]}/_${program}"   (then: compinit)
${f}() {
  local -a found described
  local line value
  found=("\${(@f)$(${program} __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  for line in $found; do
    [[ -n $line ]] || continue
    value=\${line%%$'\\t'*}
    if [[ $line == *$'\\t'* ]]; then described+=("\${value//:/\\\\:}:\${line#*$'\\t'}"); else described+=("\${value//:/\\\\:}"); fi
  done
  if (( \${#described} )); then _describe -t values '${program}' described; else _files; fi
}
compdef ${f} ${program}
`;
}

function fish(program: string): string {
  const f = fn(program);
  return `# fish completion for ${program}
# Load it now:    ${program} completion fish | source
# For good:       ${program} completion fish > ~/.config/fish/completions/${program}.fish
function ${f}
    set -l words (commandline -opc) (commandline -ct)
    set -l found (${program} __complete -- $words[2..-1] 2>/dev/null)
    if test (count $found) -eq 0
        __fish_complete_path (commandline -ct)
    else
        printf '%s\\n' $found
    end
end
complete -c ${program} -f -a '(${f})'
`;
}

/** The completion script for `shell`, calling `program` (the name the program is run by). */
export function completionScript(shell: Shell, program: string): string {
  switch (shell) {
    case 'bash':
      return bash(program);
    case 'zsh':
      return zsh(program);
    case 'fish':
      return fish(program);
  }
}
