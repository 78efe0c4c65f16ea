import { bad, ok, paging, type Ctx, type Json, type Reply } from './http.js';
import type { Route } from './server.js';
import { brief, byName, userFilter } from './user-query.js';
import type { UserStore } from './users.js';

/** The Users API routes: key checks, list, GET, PUT, POST, DELETE. */
export function userRoutes(users: UserStore): Route[] {
  let cache: { q: string; version: number; list: Json[] } | null = null;
  const listed = (q: string): Json[] => {
    if (cache?.q !== q || cache.version !== users.version) {
      const filter = userFilter(q);
      cache = { q, version: users.version, list: users.all().map((s) => s.user).filter(filter).sort(byName) };
    }
    return cache.list;
  };
  const test = (): Reply => ok('test', { result: 'ok' });
  const found = (ctx: Ctx, id: string) => {
    const s = users.find(id);
    if (!s) throw bad('401861', `User with identifier ${id} was not found.`);
    return s;
  };
  return [
    { method: 'GET', pattern: '/users/test', handle: test },
    { method: 'GET', pattern: '/users/operation/test', handle: test },
    { method: 'POST', pattern: '/users/operation/test', handle: test },
    { method: 'GET', pattern: '/conf/test', handle: test },
    {
      method: 'GET', pattern: '/users', handle: (ctx) => {
        const { limit, offset } = paging(ctx.query);
        if (ctx.query.has('q') && ctx.query.has('modify_date_from')) {
          throw bad('40166410', 'The parameters q and modify_date_from are mutually exclusive.');
        }
        const all = listed(ctx.query.get('q') ?? '');
        const full = ctx.query.get('expand') === 'full';
        const page = all.slice(offset, offset + limit).map((u) => {
          const s = users.find(String(u.primary_id));
          return full && s ? users.view(s) : brief(u, ctx.base);
        });
        // Alma leaves the list out when nothing matches.
        const body: Json = page.length > 0 ? { user: page, total_record_count: all.length } : { total_record_count: all.length };
        return ok('users', body);
      },
    },
    { method: 'GET', pattern: '/users/{id}', handle: (ctx, [id = '']) => ok('user', users.view(found(ctx, id))) },
    {
      method: 'PUT', pattern: '/users/{id}', handle: (ctx, [id = '']) => {
        const override = new Set((ctx.query.get('override') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''));
        return ok('user', users.put(id, ctx.body, override));
      },
    },
    { method: 'POST', pattern: '/users', handle: (ctx) => ok('user', users.create(ctx.body)) },
    {
      method: 'DELETE', pattern: '/users/{id}', handle: (_ctx, [id = '']) => {
        if (!users.remove(id)) throw bad('401890', `User with identifier ${id} of type all_unique was not found.`);
        return { status: 204 };
      },
    },
  ];
}
