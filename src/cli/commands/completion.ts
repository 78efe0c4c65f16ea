import { topLevel } from '../command.js';
import { completionScript, SHELLS } from '../completion-scripts.js';
import { choice } from '../options.js';

/** alma-users completion bash|zsh|fish */
export const completionCommand = topLevel({
  define: (program) =>
    program
      .command('completion <shell>')
      .description('print the shell completion script for bash, zsh or fish (commands, options, set names, job ids, codes)')
      .addHelpText('after', [
        '', 'Load it in the running shell, or install it for good (docs/shell.md):',
        '  source <(alma-users completion bash)',
        '  source <(alma-users completion zsh)',
        '  alma-users completion fish | source',
        '', 'Example:',
        '  alma-users completion bash > ~/.local/share/bash-completion/completions/alma-users',
      ].join('\n')),

  run(ctx, [shell]) {
    ctx.io.stdout.write(completionScript(choice('completion', shell, SHELLS)!, 'alma-users'));
    return {};
  },
});
