/**
 * Alma XML from the Alma JSON shape (alma-json-write.ts): {value, desc} becomes
 * <x desc="...">value</x>, a list under a singular name gets its wrapper
 * (user_identifier -> <user_identifiers><user_identifier>), and segment_type / preferred /
 * preferred_sms are attributes, as Alma and SIS files write them.
 */

const WRAPPER: Record<string, string> = {
  user_identifier: 'user_identifiers', user_role: 'user_roles', user_block: 'user_blocks', user_note: 'user_notes',
  user_statistic: 'user_statistics', rs_library: 'rs_libraries', address: 'addresses', email: 'emails', phone: 'phones',
  address_type: 'address_types', email_type: 'email_types', phone_type: 'phone_types', parameter: 'parameters',
};
const ATTRIBUTES = new Set(['segment_type', 'preferred', 'preferred_sms']);

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' };

/** Escapes text for XML; control characters XML 1.0 cannot carry are dropped. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"\r]/g, (c) => ENTITIES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function isCode(v: object): v is { value: unknown; desc: unknown } {
  const keys = Object.keys(v);
  return keys.length === 2 && 'value' in v && 'desc' in v;
}

function element(name: string, v: unknown, pad: string, out: string[]): void {
  if (v === null || v === undefined) return;
  if (Array.isArray(v)) {
    const wrapper = WRAPPER[name] ?? `${name}s`;
    if (v.length === 0) {
      out.push(`${pad}<${wrapper}/>`);
      return;
    }
    out.push(`${pad}<${wrapper}>`);
    for (const item of v) element(name, item, pad + '  ', out);
    out.push(`${pad}</${wrapper}>`);
    return;
  }
  if (typeof v === 'object') {
    if (isCode(v)) {
      const desc = v.desc === null || v.desc === '' ? '' : ` desc="${escapeXml(String(v.desc))}"`;
      const value = v.value === null ? '' : escapeXml(String(v.value));
      out.push(value === '' ? `${pad}<${name}${desc}/>` : `${pad}<${name}${desc}>${value}</${name}>`);
      return;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    const attrs = entries
      .filter(([k, x]) => ATTRIBUTES.has(k) && x !== null && x !== undefined)
      .map(([k, x]) => ` ${k}="${escapeXml(String(x))}"`)
      .join('');
    out.push(`${pad}<${name}${attrs}>`);
    for (const [k, x] of entries) if (!ATTRIBUTES.has(k)) element(k, x, pad + '  ', out);
    out.push(`${pad}</${name}>`);
    return;
  }
  const text = escapeXml(String(v));
  out.push(text === '' ? `${pad}<${name}/>` : `${pad}<${name}>${text}</${name}>`);
}

/** One <user> element, indented to sit inside <users>. */
export function almaUserXml(user: Record<string, unknown>, pad = '  '): string {
  const out: string[] = [];
  element('user', user, pad, out);
  return out.join('\n') + '\n';
}
