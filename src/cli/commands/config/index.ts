import { group } from '../../command.js';
import { get } from './get.js';
import { list } from './list.js';
import { set } from './set.js';
import { unset } from './unset.js';

export const configCommands = group('config', 'settings kept in the store: institution, mail transport, allow-list, letters', [list, get, set, unset]);
