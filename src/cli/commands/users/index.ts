import { group } from '../../command.js';
import { add } from './add.js';
import { deleteCommand } from './delete.js';
import { edit } from './edit.js';
import { resetPassword } from './reset-password.js';
import { exportCommand } from './export.js';
import { history } from './history.js';
import { importCommand } from './import.js';
import { list } from './list.js';
import { search } from './search.js';
import { show } from './show.js';
import { sync } from './sync.js';

export const usersCommands = group('users', 'users: import, sync, show, list, search, history, export, add, edit, reset-password, delete', [
  importCommand, sync, show, list, search, history, exportCommand,
  add, edit, resetPassword, deleteCommand,
]);
