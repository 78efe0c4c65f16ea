import { group } from '../../command.js';
import { config } from './config.js';
import { pull } from './pull.js';
import { push } from './push.js';
import { status } from './status.js';

export const almaCommands = group('alma', 'the real Alma through its API: connection, pull users, push jobs within its limits', [config, status, pull, push]);
