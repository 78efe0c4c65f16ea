import type { AlmaTestServer, Json } from './index.js';

/** One answer as the tests read it. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body (undefined for XML or an empty body). */
  json: Json | undefined;
}

export interface CallOptions {
  body?: unknown;
  /** Accept: application/json (default) or XML. */
  xml?: boolean;
  /** The key to send; default the server's. null sends none. */
  key?: string | null;
  /** Send the key as ?apikey= instead of the header. */
  keyInQuery?: boolean;
}

/** A plain fetch against the test server (not our client), path under /almaws/v1. */
export async function call(alma: AlmaTestServer, method: string, path: string, opts: CallOptions = {}): Promise<Answer> {
  const key = opts.key === undefined ? alma.apiKey : opts.key;
  const headers: Record<string, string> = { Accept: opts.xml ? 'application/xml' : 'application/json' };
  let url = `${alma.apiBase}${path}`;
  if (key !== null && opts.keyInQuery) url += `${url.includes('?') ? '&' : '?'}apikey=${encodeURIComponent(key)}`;
  else if (key !== null) headers.Authorization = `apikey ${key}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  const json = /json/.test(res.headers.get('content-type') ?? '') && text !== '' ? (JSON.parse(text) as Json) : undefined;
  return { status: res.status, headers: res.headers, text, json };
}

/** The errorCode of an Alma error envelope in JSON. */
export function errorCode(a: Answer): string | undefined {
  const list = (a.json?.errorList as { error?: { errorCode?: string }[] } | undefined)?.error;
  return list?.[0]?.errorCode;
}

/** A minimal valid Alma user (JSON), with the fields the PUT tests touch. */
export function almaUser(id: string, extra: Json = {}): Json {
  return {
    record_type: { value: 'PUBLIC', desc: 'Public' },
    primary_id: id,
    first_name: `First${id}`,
    last_name: `Last${id}`,
    user_group: { value: 'UG', desc: 'Undergraduate' },
    account_type: { value: 'INTERNAL', desc: 'Internal' },
    external_id: '',
    status: { value: 'ACTIVE', desc: 'Active' },
    expiry_date: '2030-01-16Z',
    user_identifier: [{ value: `BC${id}`, id_type: { value: 'BARCODE' }, status: 'ACTIVE', segment_type: 'Internal' }],
    user_role: [{ status: { value: 'ACTIVE' }, scope: { value: '01TEST_INST' }, role_type: { value: '200', desc: 'Patron' } }],
    contact_info: { email: [{ email_address: `${id}@example.org`, preferred: true, email_type: [{ value: 'personal' }] }] },
    ...extra,
  };
}
