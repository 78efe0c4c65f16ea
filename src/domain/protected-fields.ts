/**
 * Alma's protected fields of EXTERNAL users: a field edited in Alma keeps its value against
 * a SIS synchronization, and against `PUT /users/{id}` unless the call names it in
 * `override=` (Dev blog "External user data behavior of SIS synchronization and API"; Dev
 * "Update User Details"). These are the ones the store models; Alma's list also holds
 * pin_number and library_notices, which it does not. `users sync` keeps them and
 * `alma push` names the ones a job changed in override=.
 */
export const PROTECTED_FIELDS = [
  'user_group', 'job_category', 'preferred_language', 'campus_code', 'rs_libraries', 'user_title',
  'pref_first_name', 'pref_middle_name', 'pref_last_name', 'cataloger_level',
] as const;
export type ProtectedField = (typeof PROTECTED_FIELDS)[number];

export function isProtectedField(field: string): field is ProtectedField {
  return (PROTECTED_FIELDS as readonly string[]).includes(field);
}
