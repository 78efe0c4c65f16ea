import type { CommandDef } from '../../command.js';
import { settingsOutput } from './settings-output.js';

/** alma-users alma status */
export const status: CommandDef = {
  define: (alma) =>
    alma
      .command('status')
      .description('check the connection and the API key with one cheap call; the calls left today')
      .addHelpText('after', '\nExit: 0 the key works, 2 no key or no connection configured, 1 Alma refused or could not be reached.\n\nExample:\n  ALMA_API_KEY_FILE=~/.alma-key alma-users alma status'),

  async run(ctx) {
    const { almaStatus } = await import('../../../app/alma/connection.js');
    const s = await almaStatus(ctx.store(), { env: ctx.io.env });
    const remaining = s.remaining === null ? 'not said' : s.remaining;
    return { output: settingsOutput(s, { key: 'accepted', calls_left_today: remaining }) };
  },
};
