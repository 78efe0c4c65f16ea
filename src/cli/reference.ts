import type { Command } from 'commander';

/**
 * Help is laid out for this many columns, as commander does when stdout is not a terminal,
 * so that the reference does not depend on the window it was generated in.
 */
export const REFERENCE_WIDTH = 80;

/** One command of the program, with the words that call it (`['job', 'run']`). */
export interface CommandEntry {
  path: string[];
  command: Command;
}

/**
 * Every command of the program, depth first in the order `--help` lists them; the program
 * itself first. Hidden commands (`__complete`, which the completion scripts call) are left out.
 */
export function allCommands(program: Command): CommandEntry[] {
  const walk = (command: Command, path: string[]): CommandEntry[] => {
    const visible = command.createHelp().visibleCommands(command);
    return [
      { path, command },
      ...command.commands.filter((sub) => visible.includes(sub)).flatMap((sub) => walk(sub, [...path, sub.name()])),
    ];
  };
  return walk(program, []);
}

/**
 * What `--help` prints for a command, additional help text included, at REFERENCE_WIDTH
 * columns and without colour. The command's output settings are borrowed and given back.
 */
export function helpText(command: Command): string {
  return laidOut(command, () => command.outputHelp());
}

/**
 * What a command's help adds after its usage, description and options (addHelpText: the
 * examples), as helpText prints it; the man page sets it apart from the options.
 */
export function afterText(command: Command): string {
  const full = helpText(command);
  const base = laidOut(command, (write) => write(command.helpInformation()));
  return full.startsWith(base) ? full.slice(base.length) : '';
}

/** What `print` writes with the command's output laid out for REFERENCE_WIDTH columns, without colour. */
function laidOut(command: Command, print: (write: (s: string) => void) => void): string {
  let text = '';
  const write = (s: string) => void (text += s);
  const saved = command.configureOutput();
  command.configureOutput({ writeOut: write, getOutHelpWidth: () => REFERENCE_WIDTH, getOutHasColors: () => false });
  try {
    print(write);
  } finally {
    command.configureOutput(saved);
  }
  return text;
}

/**
 * docs/reference.md: a table of contents, then each command's `--help` under a heading of
 * its command line. The global options are in the program's own section, once.
 */
export function commandReference(program: Command): string {
  const entries = allCommands(program);
  const name = program.name();
  const title = (e: CommandEntry) => [name, ...e.path].join(' ');
  const contents = entries.map((e) => {
    const indent = '  '.repeat(Math.max(0, e.path.length - 1));
    const what = e.path.length === 0 ? 'global options and the list of commands' : e.command.summary() || e.command.description();
    return `${indent}- [${title(e)}](#${anchor(title(e))}): ${markdownText(what)}`;
  });
  const sections = entries.map((e) => {
    const heading = '#'.repeat(Math.min(2 + Math.max(0, e.path.length - 1), 4));
    return [`${heading} ${title(e)}`, '', fenced(helpText(e.command))].join('\n');
  });
  return [
    `# ${name} command reference`,
    '',
    '<!-- Generated from the commander definitions in src/cli by `npm run docs`; do not edit by hand. -->',
    '',
    `Each section is what \`${name} COMMAND --help\` prints (laid out here for ${REFERENCE_WIDTH} columns;`,
    'on a terminal the help fits its width). The global options go before the command and',
    `apply to every command: they are listed once, under [${name}](#${anchor(name)}).`,
    'Concepts, exit codes, the query language and recipes are in the [README](../README.md).',
    '',
    '## Contents',
    '',
    ...contents,
    '',
    sections.join('\n\n'),
    '',
  ].join('\n');
}

/** The anchor GitHub gives a heading made of command words: lower case, spaces as hyphens. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

/** Text that Markdown would otherwise read as markup (`<set>`, `*`, `|`) shown as written. */
function markdownText(text: string): string {
  return text.replace(/[\\`*[\]<>|]/g, (c) => `\\${c}`);
}

/** A code block whose fence no run of backticks in the text can close. */
function fenced(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text.replace(/\n+$/, '')}\n${fence}`;
}
