import type { SetRecord } from '../../../app/sets.js';
import type { CommandResult } from '../../command.js';
import type { Row } from '../../output.js';

/** A set as every set command prints it: JSON fields, and the label/value lines of a table. */

export function setJson(s: SetRecord, members: number | undefined): Row {
  return {
    id: s.id, name: s.name, kind: s.kind.toLowerCase(), owner: s.owner, public: s.public,
    description: s.description ?? null, query: s.query ?? null, members: members ?? null,
    created_at: s.created_at, updated_at: s.updated_at, updated_by: s.updated_by,
  };
}

/** `members` as shown: a count, or for `set show` of a logical set the count with "(evaluated now)". */
export function setFields(s: SetRecord, members: number | string | undefined): [string, unknown][] {
  return [
    ['Name', s.name], ['Id', s.id], ['Type', s.kind === 'LOGICAL' ? 'logical' : 'itemized'], ['Owner', s.owner],
    ['Visibility', s.public ? 'public' : 'private'], ['Description', s.description], ['Query', s.query],
    ['Members', members], ['Created', s.created_at], ['Updated', `${s.updated_at} by ${s.updated_by}`],
  ];
}

export function setReport(s: SetRecord, members: number): CommandResult {
  return { output: { kind: 'report', json: setJson(s, members), sections: [{ kind: 'fields', fields: setFields(s, members) }] } };
}
