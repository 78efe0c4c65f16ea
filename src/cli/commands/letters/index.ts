import { group } from '../../command.js';
import { addType } from './add-type.js';
import { preview } from './preview.js';
import { types } from './types.js';

export const lettersCommands = group('letters', 'the User Notifications Letter: notification types, labels, preview', [types, addType, preview]);
