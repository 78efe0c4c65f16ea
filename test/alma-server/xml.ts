// Alma's XML form of a JSON answer. In JSON Alma drops the list wrappers and gives the
// array the singular name (user_identifier: [...]); in XML the same list sits inside its
// plural wrapper (<user_identifiers><user_identifier>...). Code fields {value, desc} are
// <x desc="...">value</x>; `link` and `total_record_count` are attributes.

const PLURAL: Record<string, string> = { address: 'addresses', rs_library: 'rs_libraries' };

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function isCode(v: Record<string, unknown>): boolean {
  const keys = Object.keys(v);
  return keys.includes('value') && keys.every((k) => k === 'value' || k === 'desc' || k === 'link')
    && (v.value === null || typeof v.value !== 'object');
}

const ATTRIBUTES = new Set(['link', 'total_record_count']);

function element(name: string, v: unknown, root = false): string {
  if (v === null || v === undefined) return `<${name}/>`;
  if (typeof v !== 'object') return `<${name}>${escape(String(v))}</${name}>`;
  const obj = v as Record<string, unknown>;
  let attrs = '';
  if (isCode(obj)) {
    for (const k of ['desc', 'link']) if (typeof obj[k] === 'string') attrs += ` ${k}="${escape(obj[k] as string)}"`;
    return obj.value === null || obj.value === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${escape(String(obj.value))}</${name}>`;
  }
  let body = '';
  for (const [k, child] of Object.entries(obj)) {
    if (ATTRIBUTES.has(k) && (typeof child === 'string' || typeof child === 'number')) {
      attrs += ` ${k}="${escape(String(child))}"`;
    } else if (Array.isArray(child)) {
      const items = child.map((c) => element(k, c)).join('');
      const wrapper = PLURAL[k] ?? `${k}s`;
      body += root && wrapper === name ? items : `<${wrapper}>${items}</${wrapper}>`;
    } else {
      body += element(k, child);
    }
  }
  return `<${name}${attrs}>${body}</${name}>`;
}

/** A whole XML document; a list document (users, members, sets) is itself the wrapper of its items. */
export function toXml(root: string, v: unknown): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${element(root, v, true)}`;
}
