/**
 * The row id of a new user, as SQL for an INSERT's id: above every id a user ever had (in
 * users, the audit trail and the kept records of deleted users), so that a new user never
 * takes a deleted user's id and with it its history and its restore by `job undo`. Every
 * path that creates a user (import, sync, users add, init) inserts with it; a restored
 * user is inserted under its own old id instead. Each max() is read from an index.
 */
export const NEW_USER_ID =
  '(SELECT max(coalesce((SELECT max(id) FROM users), 0), coalesce((SELECT max(user_id) FROM audit), 0), coalesce((SELECT max(user_id) FROM user_archive), 0)) + 1)';
