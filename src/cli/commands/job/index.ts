import { group } from '../../command.js';
import { abort } from './abort.js';
import { cancel } from './cancel.js';
import { list } from './list.js';
import { report } from './report.js';
import { resume } from './resume.js';
import { run } from './run.js';
import { show } from './show.js';
import { undo } from './undo.js';

export const jobsCommands = group('job', 'jobs: run update/notify on a set, follow, report, cancel, resume, undo', [run, list, show, report, cancel, resume, abort, undo]);
