import type { Command } from 'commander';
import type { CommandGroup, CommandResult } from './command.js';
import type { Io, Runner } from './context.js';
import { programWith } from './program-core.js';
import { almaCommands } from './commands/alma/index.js';
import { codesCommands } from './commands/codes/index.js';
import { completionCommand } from './commands/completion.js';
import { configCommands } from './commands/config/index.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { initCommand } from './commands/init.js';
import { lettersCommands } from './commands/letters/index.js';
import { mailCommands } from './commands/mail/index.js';
import { jobsCommands } from './commands/job/index.js';
import { setsCommands } from './commands/set/index.js';
import { usersCommands } from './commands/users/index.js';

/** The one registry of command groups; a new group is one line here. */
const GROUPS: CommandGroup[] = [initCommand, doctorCommand, usersCommands, setsCommands, jobsCommands, codesCommands, lettersCommands, mailCommands, configCommands, almaCommands, demoCommand, completionCommand];

/** The whole program, every group registered (help, completion, the reference). */
export function buildProgram(io: Io, onResult: (r: CommandResult) => void, runner: Runner): Command {
  return programWith(io, onResult, runner, GROUPS);
}
