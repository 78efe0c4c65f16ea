import type { AlmaSettings } from '../../../domain/alma/connection.js';
import type { ReportOutput } from '../../output.js';

/** The connection as `alma config` and `alma status` show it. */
export function settingsOutput(s: AlmaSettings, extra: Record<string, unknown> = {}, lines: string[] = []): ReportOutput {
  const json = { region: s.region, url: s.url, rate: s.rate, quota_floor: s.quota_floor, update_notify_job: s.update_notify_job, ...extra };
  return {
    kind: 'report',
    json,
    sections: [
      {
        kind: 'fields',
        fields: [
          ['Region', s.region ?? '(a URL of its own)'], ['Base URL', s.url], ...Object.entries(extra).map(([k, v]): [string, unknown] => [label(k), v]),
          ['Rate', `${s.rate} calls a second`], ['Quota floor', `${s.quota_floor} calls left today`], ['Update/Notify Users job', s.update_notify_job],
        ],
      },
      { kind: 'lines', lines },
    ],
  };
}

function label(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, ' ');
}
