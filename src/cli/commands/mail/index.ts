import { group } from '../../command.js';
import { discard } from './discard.js';
import { list } from './list.js';
import { retry } from './retry.js';
import { test } from './test.js';

export const mailCommands = group('mail', 'the outbox of letters: list, send what is pending, test the transport', [list, retry, discard, test]);
