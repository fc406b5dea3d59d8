import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

export type Role = 'seeker' | 'counsellor' | 'admin';

export interface UsersTable {
  id: ColumnType<string, string, never>;
  role: ColumnType<Role, Role, never>;
  username: string | null;
  email: string | null;
  displayName: string | null;
  /** Server-side hash of the client's Argon2id-derived auth value; never the password. */
  authHash: Uint8Array | null;
  authSalt: Uint8Array | null;
  kdfSalt: Uint8Array | null;
  kdfOpsLimit: number | null;
  kdfMemLimit: number | null;
  signPublicKey: Uint8Array | null;
  boxPublicKey: Uint8Array | null;
  /** Private keys wrapped by the password-derived key; the server cannot open it. */
  keyBackup: Uint8Array | null;
  keyBackupNonce: Uint8Array | null;
  activationCodeHash: Uint8Array | null;
  isAnonymous: Generated<boolean>;
  linkAgencyId: string | null;
  linkCounsellorId: string | null;
  lastActiveAt: Generated<Date>;
  createdAt: Generated<Date>;
}

export interface TokensTable {
  tokenHash: ColumnType<Uint8Array, Uint8Array, never>;
  userId: ColumnType<string, string, never>;
  createdAt: Generated<Date>;
  expiresAt: Date;
}

/** An anonymous seeker's resume code: only values derived from it, never the code. */
export interface ResumeCodesTable {
  userId: ColumnType<string, string, never>;
  lookupId: Uint8Array;
  /** Salted SHA-256 of the code-derived auth key, as for password logins. */
  authHash: Uint8Array;
  authSalt: Uint8Array;
  /** The identity wrapped by the code-derived wrap key; the server cannot open it. */
  keyBackup: Uint8Array;
  keyBackupNonce: Uint8Array;
  createdAt: Generated<Date>;
}

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
