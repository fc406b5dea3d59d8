import { sql, type Kysely } from 'kysely';

/**
 * Initial schema. Plain Postgres DDL, one statement per entry, so it runs unchanged on
 * Postgres and on PGlite. Content columns are bytea and only ever hold ciphertext.
 */
const up_statements = [
  `create table topics (
     id uuid primary key,
     name text not null unique,
     created_at timestamptz not null default now()
   )`,
  `create table agencies (
     id uuid primary key,
     name text not null,
     is_team boolean not null default false,
     virtual_for_topic_id uuid unique references topics(id) on delete cascade,
     link_code text not null unique,
     created_at timestamptz not null default now()
   )`,
  `create table agency_topics (
     agency_id uuid not null references agencies(id) on delete cascade,
     topic_id uuid not null references topics(id) on delete cascade,
     primary key (agency_id, topic_id)
   )`,
  `create index agency_topics_topic on agency_topics (topic_id)`,
  `create table agency_postcode_ranges (
     id uuid primary key,
     agency_id uuid not null references agencies(id) on delete cascade,
     postcode_from text not null,
     postcode_to text not null,
     check (postcode_from <= postcode_to)
   )`,
  `create index agency_postcode_ranges_agency on agency_postcode_ranges (agency_id)`,
  `create table users (
     id uuid primary key,
     role text not null check (role in ('seeker', 'counsellor', 'admin')),
     username text unique,
     email text,
     display_name text,
     auth_hash bytea,
     auth_salt bytea,
     kdf_salt bytea,
     kdf_ops_limit integer,
     kdf_mem_limit integer,
     sign_public_key bytea,
     box_public_key bytea,
     key_backup bytea,
     key_backup_nonce bytea,
     activation_code_hash bytea unique,
     is_anonymous boolean not null default false,
     link_agency_id uuid references agencies(id) on delete set null,
     link_counsellor_id uuid references users(id) on delete set null,
     last_active_at timestamptz not null default now(),
     created_at timestamptz not null default now()
   )`,
  `create index users_anonymous_idle on users (last_active_at) where is_anonymous`,
  `create table agency_members (
     agency_id uuid not null references agencies(id) on delete cascade,
     user_id uuid not null references users(id) on delete cascade,
     is_agency_admin boolean not null default false,
     personal_code text not null unique,
     created_at timestamptz not null default now(),
     primary key (agency_id, user_id)
   )`,
  `create index agency_members_user on agency_members (user_id)`,
  `create table tokens (
     token_hash bytea primary key,
     user_id uuid not null references users(id) on delete cascade,
     created_at timestamptz not null default now(),
     expires_at timestamptz not null
   )`,
  `create index tokens_user on tokens (user_id)`,
  `create table threads (
     id uuid primary key,
     seeker_id uuid not null references users(id) on delete cascade,
     agency_id uuid not null references agencies(id),
     topic_id uuid not null references topics(id),
     counsellor_id uuid references users(id) on delete set null,
     status text not null check (status in ('enquiry', 'active', 'archived', 'closed')),
     current_epoch integer not null default 0,
     rekey_required boolean not null default false,
     last_seq bigint not null default 0,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     claimed_at timestamptz
   )`,
  `create index threads_agency_status on threads (agency_id, status)`,
  `create index threads_counsellor_status on threads (counsellor_id, status)`,
  `create index threads_seeker on threads (seeker_id)`,
  `create table thread_epochs (
     thread_id uuid not null references threads(id) on delete cascade,
     epoch integer not null,
     reason text not null check (reason in ('created', 'claimed', 'readers_changed')),
     created_by uuid,
     created_at timestamptz not null default now(),
     primary key (thread_id, epoch)
   )`,
  `create table thread_key_envelopes (
     thread_id uuid not null,
     epoch integer not null,
     recipient_id uuid not null references users(id) on delete cascade,
     creator_id uuid not null,
     sealed_key bytea not null,
     signature bytea not null,
     created_at timestamptz not null default now(),
     primary key (thread_id, epoch, recipient_id),
     foreign key (thread_id, epoch) references thread_epochs(thread_id, epoch) on delete cascade
   )`,
  `create index thread_key_envelopes_recipient on thread_key_envelopes (recipient_id)`,
  `create table messages (
     id uuid primary key,
     thread_id uuid not null references threads(id) on delete cascade,
     seq bigint not null,
     sender_id uuid references users(id) on delete set null,
     epoch integer not null,
     client_message_id uuid not null,
     ciphertext bytea not null,
     nonce bytea not null,
     signature bytea not null,
     created_at timestamptz not null default now(),
     unique (thread_id, seq),
     unique (thread_id, client_message_id)
   )`,
  `create table team_view_access_log (
     id uuid primary key,
     thread_id uuid not null references threads(id) on delete cascade,
     agency_id uuid not null references agencies(id) on delete cascade,
     counsellor_id uuid not null references users(id) on delete cascade,
     action text not null check (action in ('read', 'write')),
     accessed_at timestamptz not null default now()
   )`,
  `create index team_view_access_log_thread on team_view_access_log (thread_id, accessed_at)`,
  `create index team_view_access_log_agency on team_view_access_log (agency_id, accessed_at)`,
  `create table absence_notices (
     user_id uuid primary key references users(id) on delete cascade,
     message text not null,
     until timestamptz,
     updated_at timestamptz not null default now()
   )`,
];

const down_tables = [
  'absence_notices', 'team_view_access_log', 'messages', 'thread_key_envelopes', 'thread_epochs',
  'threads', 'tokens', 'agency_members', 'users', 'agency_postcode_ranges', 'agency_topics', 'agencies', 'topics',
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of up_statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of down_tables) await sql.raw(`drop table if exists ${table}`).execute(db);
}
