import { bad, isObject, ok, paging, type Json, type Reply } from './http.js';
import type { Route } from './server.js';
import type { UserStore } from './users.js';

/**
 * Itemized USER sets (Dev: POST /conf/sets, Manage Members). Members are kept as the
 * users' primary IDs. Manage Members takes at most 1,000 members a call and checks them as
 * the documentation lists: 60107 invalid set ID, 60111 invalid operation, 60112 invalid set
 * type, 60113 no members, 60114 a member without id, 60115 already in the set, 60116 not
 * valid for the content, 60117 not in the set, 60118 list exceeds limit, 60119 duplicate
 * member; with fail_on_invalid_id=false invalid IDs (60115/60116/60117) are skipped.
 */
export const MEMBERS_PER_CALL = 1000;

export interface AlmaSet {
  id: string;
  name: string;
  description: string;
  type: string;
  content: string;
  private: string;
  created: string;
  members: string[];
}

const OPS = new Set(['add_members', 'delete_members', 'replace_members']);

export class SetStore {
  readonly sets = new Map<string, AlmaSet>();
  private next = 1;

  constructor(readonly users: UserStore, private now: () => number) {}

  view(s: AlmaSet, base: string): Json {
    return {
      link: `${base}/conf/sets/${s.id}`,
      id: s.id,
      name: s.name,
      description: s.description,
      type: { value: s.type, desc: s.type === 'ITEMIZED' ? 'Itemized' : 'Logical' },
      content: { value: s.content, desc: 'All Users' },
      private: { value: s.private },
      status: { value: 'ACTIVE', desc: 'Active' },
      created_by: { value: 'API' },
      created_date: s.created,
      number_of_members: { value: String(s.members.length), link: `${base}/conf/sets/${s.id}/members` },
    };
  }

  get(id: string): AlmaSet {
    const s = this.sets.get(id);
    if (!s) throw bad('60107', `Invalid set ID: ${id}.`);
    return s;
  }

  create(body: unknown): AlmaSet {
    if (!isObject(body)) throw bad('401676', 'No valid XML was given.');
    const value = (k: string) => (isObject(body[k]) ? String((body[k] as Json).value ?? '') : '');
    if (typeof body.name !== 'string' || body.name.trim() === '') throw bad('402119', 'General error: the set name is mandatory.');
    if (value('type') !== 'ITEMIZED') throw bad('60112', 'Invalid set type: this test server creates ITEMIZED sets only.');
    if (value('content') !== 'USER') throw bad('60112', `Invalid set type: content ${value('content') || '(none)'}; this test server holds USER sets.`);
    const set: AlmaSet = {
      id: `${9_000_000 + this.next++}0000561`,
      name: body.name,
      description: typeof body.description === 'string' ? body.description : '',
      type: 'ITEMIZED',
      content: 'USER',
      private: value('private') || 'true',
      created: new Date(this.now()).toISOString(),
      members: [],
    };
    if (body.members !== undefined) this.manage(set, 'add_members', body, true);
    this.sets.set(set.id, set);
    return set;
  }

  /** Validates the whole call first: a refused call changes nothing. */
  manage(set: AlmaSet, op: string, body: unknown, failOnInvalid: boolean): void {
    if (!OPS.has(op)) throw bad('60111', `Invalid operation: ${op || '(none)'}.`);
    if (set.type !== 'ITEMIZED') throw bad('60112', 'Invalid set type.');
    const members = isObject(body) && isObject(body.members) ? body.members.member : undefined;
    if (!Array.isArray(members) || members.length === 0) {
      if (op === 'replace_members' && Array.isArray(members)) {
        set.members = [];
        return;
      }
      throw bad('60113', 'Input set with no members.');
    }
    if (members.length > MEMBERS_PER_CALL) {
      throw bad('60118', `Input set member list exceeds limit (${members.length} members; at most ${MEMBERS_PER_CALL} a call).`);
    }
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const m of members) {
      const raw = isObject(m) && (typeof m.id === 'string' || typeof m.id === 'number') ? String(m.id) : '';
      if (raw === '') throw bad('60114', 'Input set with no member ID.');
      const user = this.users.find(raw);
      if (!user && op !== 'delete_members') {
        if (failOnInvalid) throw bad('60116', `A member ID is not valid for the content: ${raw}.`);
        continue;
      }
      const id = user ? String(user.user.primary_id) : raw;
      if (seen.has(id.toLowerCase())) throw bad('60119', `Input set with duplicate member: ${raw}.`);
      seen.add(id.toLowerCase());
      ids.push(id);
    }
    const current = new Set(set.members.map((m) => m.toLowerCase()));
    if (op === 'replace_members') {
      set.members = ids;
    } else if (op === 'add_members') {
      const fresh = ids.filter((id) => !current.has(id.toLowerCase()));
      if (fresh.length < ids.length && failOnInvalid) {
        throw bad('60115', `A member ID is already in the set: ${ids.find((id) => current.has(id.toLowerCase()))}.`);
      }
      set.members.push(...fresh);
    } else {
      const missing = ids.find((id) => !current.has(id.toLowerCase()));
      if (missing !== undefined && failOnInvalid) throw bad('60117', `Input set member ID is not in set: ${missing}.`);
      const gone = new Set(ids.map((id) => id.toLowerCase()));
      set.members = set.members.filter((m) => !gone.has(m.toLowerCase()));
    }
  }
}

export function setRoutes(sets: SetStore): Route[] {
  const setReply = (s: AlmaSet, base: string): Reply => ok('set', sets.view(s, base));
  return [
    { method: 'POST', pattern: '/conf/sets', handle: (ctx) => setReply(sets.create(ctx.body), ctx.base) },
    {
      method: 'GET', pattern: '/conf/sets', handle: (ctx) => {
        const { limit, offset } = paging(ctx.query);
        const content = ctx.query.get('content_type');
        // q=name~WORDS: the sets whose name contains them (case-insensitive).
        const name = /^name~(.*)$/.exec(ctx.query.get('q') ?? '')?.[1]?.toLowerCase();
        const all = [...sets.sets.values()].filter((s) => (!content || s.content === content) && (name === undefined || s.name.toLowerCase().includes(name)));
        const set = all.slice(offset, offset + limit).map((s) => sets.view(s, ctx.base));
        return ok('sets', set.length > 0 ? { set, total_record_count: all.length } : { total_record_count: all.length });
      },
    },
    { method: 'GET', pattern: '/conf/sets/{id}', handle: (ctx, [id = '']) => setReply(sets.get(id), ctx.base) },
    {
      method: 'POST', pattern: '/conf/sets/{id}', handle: (ctx, [id = '']) => {
        const set = sets.get(id);
        sets.manage(set, ctx.query.get('op') ?? '', ctx.body, ctx.query.get('fail_on_invalid_id') !== 'false');
        return setReply(set, ctx.base);
      },
    },
    {
      method: 'GET', pattern: '/conf/sets/{id}/members', handle: (ctx, [id = '']) => {
        const set = sets.get(id);
        const { limit, offset } = paging(ctx.query);
        const member = set.members.slice(offset, offset + limit).map((m) => {
          const u = sets.users.find(m)?.user;
          const description = u ? [u.first_name, u.last_name].filter(Boolean).join(' ') : '';
          return { link: `${ctx.base}/users/${encodeURIComponent(m)}`, id: m, description };
        });
        return ok('members', member.length > 0 ? { member, total_record_count: set.members.length } : { total_record_count: set.members.length });
      },
    },
    {
      method: 'DELETE', pattern: '/conf/sets/{id}', handle: (_ctx, [id = '']) => {
        sets.get(id);
        sets.sets.delete(id);
        return { status: 204 };
      },
    },
  ];
}
