import { group } from '../../command.js';
import { add } from './add.js';
import { list } from './list.js';
import { remove } from './remove.js';

export const codesCommands = group('codes', 'code tables: user groups, job categories, roles, blocks, ...', [list, add, remove]);
