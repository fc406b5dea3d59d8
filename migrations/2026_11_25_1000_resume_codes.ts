import { sql, type Kysely } from 'kysely';

/**
 * Resume codes of anonymous seekers. The code itself never reaches the server: the client derives
 * from it a lookup id, an auth key (stored here hashed with a salt, like a login's) and a wrap key
 * that seals the identity backup kept here. One code per user; a new one replaces the old.
 */
const up_statements = [
  `create table resume_codes (
     user_id uuid primary key references users(id) on delete cascade,
     lookup_id bytea not null unique,
     auth_hash bytea not null,
     auth_salt bytea not null,
     key_backup bytea not null,
     key_backup_nonce bytea not null,
     created_at timestamptz not null default now()
   )`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('drop table if exists resume_codes').execute(db);
}
