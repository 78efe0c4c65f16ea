import { group } from '../../command.js';
import { addMembers } from './add-members.js';
import { combine } from './combine.js';
import { create } from './create.js';
import { remove } from './delete.js';
import { itemize } from './itemize.js';
import { list } from './list.js';
import { members } from './members.js';
import { removeMembers } from './remove-members.js';
import { rename } from './rename.js';
import { show } from './show.js';

/** Help lists the commands in this order. */
export const setsCommands = group('set', 'user sets: itemized from ID files, logical from queries; combine, itemize', [
  create, addMembers, removeMembers, list, show, members, rename, remove, combine, itemize,
]);
