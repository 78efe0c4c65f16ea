import { describe, expect, it } from 'vitest';
import { addCodeCommand, CodeBook, DEFAULT_CODES, type Code, type CodeTable } from '../../src/domain/codes.js';

/** The CodeBook as people type codes: case, separators, Alma's descriptions, "did you mean", the institution scope. */

const seeds = (Object.entries(DEFAULT_CODES) as [CodeTable, (typeof DEFAULT_CODES)[CodeTable]][]).flatMap(([table, list]) =>
  list.map(([code, description, attrs]): Code => ({ table, code, description, attrs: attrs ?? {} })),
);
const book = (extra: Code[] = [], institution?: string) => new CodeBook([...seeds, ...extra], institution);
const code = (table: CodeTable, text: string) => book().resolve(table, text);

describe('CodeBook.lookup', () => {
  it('finds a code typed in any case, with spaces for underscores, and stores it as the table has it', () => {
    expect(code('notification_type', 'notify_password_change')).toBe('NOTIFY_PASSWORD_CHANGE');
    expect(code('notification_type', 'Notify Password Change')).toBe('NOTIFY_PASSWORD_CHANGE');
    expect(code('user_group', ' staff ')).toBe('STAFF');
    expect(code('campus', 'main')).toBe('MAIN');
    expect(code('job_category', 'cataloger')).toBe('Cataloger');
    expect(code('role', 'License Viewer')).toBe('license-viewer');
  });

  it("accepts Alma's description where it names one code, and a role's Alma role_type number", () => {
    expect(code('user_group', 'Undergraduate')).toBe('UNDERGRAD');
    expect(code('user_group', 'graduate')).toBe('GRAD');
    expect(code('statistic_category', 'Undergraduate')).toBe('UNDERGRADUATE');
    expect(code('library', 'main library')).toBe('MAIN');
    expect(code('role', '204')).toBe('cataloger');
  });

  it('an exact code wins over another that differs only in case; two that differ only in case are ambiguous', () => {
    const b = book([{ table: 'user_group', code: 'staff', description: 'Staff (old)', attrs: {} }]);
    expect(b.resolve('user_group', 'STAFF')).toBe('STAFF');
    expect(b.resolve('user_group', 'staff')).toBe('staff');
    const r = b.lookup('user_group', 'Staff');
    expect(r).toEqual({ ambiguous: expect.arrayContaining([expect.objectContaining({ code: 'STAFF' }), expect.objectContaining({ code: 'staff' })]) });
    expect(b.problem('user_group', 'Staff')).toBe('user_group "Staff" could mean "STAFF" or "staff" (Staff (old)); give the code');
  });

  it('a description two codes share names neither', () => {
    const b = book([{ table: 'user_group', code: 'UG2', description: 'Undergraduate', attrs: {} }]);
    expect(b.resolve('user_group', 'Undergraduate')).toBeUndefined();
    expect(b.problem('user_group', 'undergraduate')).toContain('could mean "UNDERGRAD" (Undergraduate) or "UG2" (Undergraduate)');
  });

  it('an unknown code gets the closest codes, by code or description, or none when nothing is close', () => {
    expect(book().problem('role', 'licence-viewer')).toBe('unknown role code "licence-viewer" (did you mean "license-viewer"?)');
    expect(book().problem('user_group', 'FACULTYY')).toBe('unknown user_group code "FACULTYY" (did you mean "FACULTY"?)');
    expect(book().problem('job_category', 'catalogue')).toContain('did you mean "Cataloger"?');
    expect(book().problem('user_group', 'VISITOR')).toBe('unknown user_group code "VISITOR"');
    expect(book().problem('user_group', 'x')).toBe('unknown user_group code "x"');
  });

  it('sees codes added after it was read', () => {
    const b = book();
    expect(b.resolve('user_group', 'visitor')).toBeUndefined();
    b.put({ table: 'user_group', code: 'VISITOR', description: 'Visitor', attrs: {} });
    expect(b.resolve('user_group', 'visitor')).toBe('VISITOR');
  });
});

describe('the institution scope', () => {
  it('is INSTITUTION in any case, and the configured institution code when there is one', () => {
    expect(book().isInstitution('INSTITUTION')).toBe(true);
    expect(book().isInstitution('institution')).toBe(true);
    expect(book().isInstitution('01MIT_INST')).toBe(false);
    expect(book([], '01MIT_INST').isInstitution('01mit_inst')).toBe(true);
    expect(book([], '01MIT_INST').isInstitution('MAIN')).toBe(false);
  });
});

describe('addCodeCommand', () => {
  it('quotes what the shell would read otherwise, so the hint runs when pasted', () => {
    expect(addCodeCommand('user_group', 'VISITOR')).toBe('alma-users codes add user_group VISITOR');
    expect(addCodeCommand('user_group', "O'Hare group", 'Guests & co')).toBe(`alma-users codes add user_group 'O'\\''Hare group' 'Guests & co'`);
    expect(addCodeCommand('role', 'egne-studenter', 'Egne studenter', '212')).toBe("alma-users codes add role egne-studenter 'Egne studenter' --alma-code 212");
  });
});
