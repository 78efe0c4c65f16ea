import type { CodeBook, CodeTable } from '../domain/codes.js';
import type { User } from '../domain/user.js';
import { fullName } from '../domain/user-fields.js';

/**
 * A user as the Alma REST API writes it (the shape of fixtures/interop/alma-json/uio_user.json):
 * code fields as {value, desc} with desc from the code tables, dates as YYYY-MM-DDZ, lists
 * under singular names, roles by Alma's role_type code where the role has one. Never a
 * password. Kept free of zod: `users show` loads it and must start fast.
 */

export interface AlmaCode {
  value: string;
  desc: string;
}

type Obj = Record<string, unknown>;

const LABELS: Record<string, string> = {
  PUBLIC: 'Public', STAFF: 'Staff', CONTACT: 'Contact', INTERNAL: 'Internal', EXTERNAL: 'External',
  ACTIVE: 'Active', INACTIVE: 'Inactive', MALE: 'Male', FEMALE: 'Female', OTHER: 'Other', NONE: 'None',
  home: 'Home', work: 'Work', school: 'School', alternative: 'Alternative', personal: 'Personal',
  office: 'Office', mobile: 'Mobile', office_fax: 'Office Fax', claimLetter: 'Claim Letter',
  GENERAL: 'General', LOAN: 'Loan',
};

let languages: Intl.DisplayNames | undefined;

function languageName(code: string): string {
  try {
    languages ??= new Intl.DisplayNames(['en'], { type: 'language' });
    return languages.of(code) ?? code;
  } catch {
    return code;
  }
}

function label(value: string | undefined): AlmaCode {
  return { value: value ?? '', desc: value === undefined ? '' : LABELS[value] ?? value };
}

function fromTable(codes: CodeBook, table: CodeTable, value: string | undefined): AlmaCode {
  if (value === undefined) return { value: '', desc: '' };
  return { value, desc: codes.get(table, value)?.description ?? value };
}

/** YYYY-MM-DD -> YYYY-MM-DDZ, as Alma writes dates. */
export function almaDate(d: string): string {
  return `${d}Z`;
}

function withDate(o: Obj, key: string, d: string | undefined): Obj {
  if (d !== undefined) o[key] = almaDate(d);
  return o;
}

export function almaUser(u: User, codes: CodeBook): Obj {
  const o: Obj = {
    record_type: label(u.record_type),
    primary_id: u.primary_id,
    first_name: u.first_name ?? '',
    middle_name: u.middle_name ?? '',
    last_name: u.last_name ?? '',
    full_name: fullName(u),
    pref_first_name: u.pref_first_name ?? '',
    pref_middle_name: u.pref_middle_name ?? '',
    pref_last_name: u.pref_last_name ?? '',
    pref_name_suffix: u.pref_name_suffix ?? '',
    user_title: fromTable(codes, 'user_title', u.user_title),
    job_category: fromTable(codes, 'job_category', u.job_category),
    job_description: u.job_description ?? '',
    gender: label(u.gender),
    user_group: fromTable(codes, 'user_group', u.user_group),
    campus_code: fromTable(codes, 'campus', u.campus_code),
    preferred_language: u.preferred_language === undefined ? label(undefined) : { value: u.preferred_language, desc: languageName(u.preferred_language) },
    cataloger_level: fromTable(codes, 'cataloger_level', u.cataloger_level),
  };
  withDate(o, 'birth_date', u.birth_date);
  withDate(o, 'expiry_date', u.expiry_date);
  withDate(o, 'purge_date', u.purge_date);
  o.account_type = label(u.account_type);
  o.external_id = u.external_id ?? '';
  // Alma writes "" when the flag is off (uio_user.json).
  o.force_password_change = u.force_password_change ? 'true' : '';
  o.status = label(u.status);
  withDate(o, 'status_date', u.status_date);
  o.contact_info = {
    address: u.addresses.map((a) => {
      const x: Obj = {
        line1: a.line1 ?? null, line2: a.line2 ?? null, line3: a.line3 ?? null, line4: a.line4 ?? null, line5: a.line5 ?? null,
        city: a.city ?? '', state_province: a.state_province ?? '', postal_code: a.postal_code ?? '',
        country: a.country === undefined ? { value: null, desc: null } : { value: a.country, desc: a.country },
        address_note: a.address_note ?? '',
      };
      withDate(x, 'start_date', a.start_date);
      withDate(x, 'end_date', a.end_date);
      x.address_type = a.types.map(label);
      x.preferred = a.preferred;
      x.segment_type = a.segment;
      return x;
    }),
    email: u.emails.map((e) => ({
      description: e.description ?? null, email_address: e.address, email_type: e.types.map(label),
      preferred: e.preferred, segment_type: e.segment,
    })),
    phone: u.phones.map((p) => ({
      phone_number: p.number, phone_type: p.types.map(label), preferred: p.preferred,
      preferred_sms: p.preferred_sms, segment_type: p.segment,
    })),
  };
  o.user_identifier = u.identifiers.map((x) => ({
    id_type: fromTable(codes, 'identifier_type', x.type), value: x.value, note: x.note ?? null,
    status: x.status, segment_type: x.segment,
  }));
  o.user_role = u.roles.map((r) => {
    const role = codes.get('role', r.role);
    const x: Obj = {
      status: label(r.status),
      scope: fromTable(codes, 'library', r.scope),
      role_type: { value: role?.attrs.alma_code ?? r.role, desc: role?.description ?? r.role },
      parameter: r.parameters.map((p) => ({
        type: label(p.type), scope: label(p.scope), value: { value: p.value, desc: p.value },
      })),
    };
    return withDate(x, 'expiry_date', r.expiry_date);
  });
  o.user_block = u.blocks.map((b) => {
    const x: Obj = {
      block_type: label(b.type), block_description: fromTable(codes, 'block_description', b.description),
      block_status: b.status, block_note: b.note ?? '', created_date: b.created ?? '',
    };
    withDate(x, 'expiry_date', b.expiry_date);
    x.segment_type = b.segment;
    return x;
  });
  o.user_note = u.notes.map((n) => ({
    note_type: fromTable(codes, 'note_type', n.type), note_text: n.text, user_viewable: n.user_viewable,
    popup_note: n.popup, created_by: n.created_by ?? '', created_date: n.created ?? '', segment_type: n.segment,
  }));
  o.user_statistic = u.statistics.map((s) => ({
    statistic_category: fromTable(codes, 'statistic_category', s.category), category_type: label(s.type),
    statistic_note: s.note ?? '', segment_type: s.segment,
  }));
  o.rs_library = u.rs_libraries.map((l) => ({ code: fromTable(codes, 'rs_library', l) }));
  return o;
}
