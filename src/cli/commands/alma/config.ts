import type { CommandDef } from '../../command.js';
import { settingsOutput } from './settings-output.js';

/** alma-users alma config [--region R | --url BASE] [--rate N] [--quota-floor N] [--update-notify-job ID] */
export const config: CommandDef = {
  define: (alma) =>
    alma
      .command('config')
      .description('where Alma is and how hard to call it (User Administrator); without options, the settings')
      .option('--region <region>', "Alma's API host by region: na, eu, ap, ca or cn")
      .option('--url <base>', 'any base URL instead (a sandbox, a proxy, a test server), without /almaws/v1')
      .option('--rate <n>', 'API calls a second at most (default 20; at most 25 against Ex Libris hosts, shared by the institution)')
      .option('--quota-floor <n>', 'stop a push while fewer calls than this are left today (X-Exl-Api-Remaining; default 1000)')
      .option('--update-notify-job <id>', "the id of Alma's Update/Notify Users job (default M148; see GET /conf/jobs?type=MANUAL)")
      .addHelpText('after', `
The API key is never stored: it is read from ALMA_API_KEY, or from the file ALMA_API_KEY_FILE
names (mode 0600). See docs/alma.md.

Example:
  alma-users alma config --region eu --rate 20`),

  async run(ctx, _args, opts) {
    const { configureAlma } = await import('../../../app/alma/connection.js');
    const { settings, changed } = configureAlma(ctx.store(), () => ctx.operator(), {
      region: opts.region as string | undefined, url: opts.url as string | undefined, rate: opts.rate as string | undefined,
      quotaFloor: opts.quotaFloor as string | undefined, updateNotifyJob: opts.updateNotifyJob as string | undefined,
    });
    if (changed) ctx.info('Alma connection saved; check it with: alma-users alma status');
    return { output: settingsOutput(settings, {}, ['the API key comes from ALMA_API_KEY or ALMA_API_KEY_FILE, never from the store']) };
  },
};
