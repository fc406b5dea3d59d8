import { Type } from '@sinclair/typebox';
import {
  B64Blob,
  B64Bytes,
  Email,
  KdfParamsSchema,
  LinkCode,
  Name,
  Nonce,
  PublicIdentitySchema,
  PublicKey,
  Role,
  Timestamp,
  Username,
  Uuid,
} from './common.ts';

export const AuthKey = B64Bytes(32);
export const KeyBackupSchema = Type.Object({ nonce: Nonce, ciphertext: B64Blob(512) });

export const PreloginQuery = Type.Object({ username: Username });
export const PreloginResponse = Type.Object({ kdf: KdfParamsSchema });

export const RegisterBody = Type.Object({
  username: Username,
  email: Type.Optional(Email),
  authKey: AuthKey,
  kdf: KdfParamsSchema,
  identity: PublicIdentitySchema,
  keyBackup: KeyBackupSchema,
  /** A counsellor's personal link or an agency link. */
  linkCode: Type.Optional(LinkCode),
});

export const AnonymousBody = Type.Object({
  identity: PublicIdentitySchema,
  linkCode: Type.Optional(LinkCode),
});

export const LoginBody = Type.Object({ username: Username, authKey: AuthKey });

export const ActivateBody = Type.Object({
  activationCode: LinkCode,
  username: Username,
  displayName: Type.Optional(Name),
  authKey: AuthKey,
  kdf: KdfParamsSchema,
  identity: PublicIdentitySchema,
  keyBackup: KeyBackupSchema,
});

export const Membership = Type.Object({
  agencyId: Uuid,
  agencyName: Type.String(),
  isTeam: Type.Boolean(),
  isAgencyAdmin: Type.Boolean(),
  /** The counsellor's personal link code in this agency (`/l/<code>`). */
  personalCode: Type.String(),
  /** The agency's own link code: seekers who use it land in the agency's first-enquiries inbox. */
  agencyLinkCode: Type.String(),
});

export const Me = Type.Object({
  id: Uuid,
  role: Role,
  username: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
  isAnonymous: Type.Boolean(),
  signPublicKey: Type.Union([PublicKey, Type.Null()]),
  boxPublicKey: Type.Union([PublicKey, Type.Null()]),
  linkAgencyId: Type.Union([Uuid, Type.Null()]),
  linkCounsellorId: Type.Union([Uuid, Type.Null()]),
  memberships: Type.Array(Membership),
});

export const SessionResponse = Type.Object({ token: Type.String(), user: Me });

export const LoginResponse = Type.Object({
  token: Type.String(),
  user: Me,
  kdf: KdfParamsSchema,
  keyBackup: KeyBackupSchema,
});

/**
 * An anonymous seeker's resume code, as the server sees it: two values the client derived from
 * the code (never the code itself) and the identity wrapped by a third, which never leaves.
 */
export const ResumeLookupId = B64Bytes(32);
export const ResumeCodeBody = Type.Object({
  lookupId: ResumeLookupId,
  authKey: AuthKey,
  keyBackup: KeyBackupSchema,
});

export const ResumeBody = Type.Object({ lookupId: ResumeLookupId, authKey: AuthKey });

export const ResumeResponse = Type.Object({
  token: Type.String(),
  user: Me,
  keyBackup: KeyBackupSchema,
});

/**
 * A signed-in session (one bearer token). Its id is derived from the token's hash, so it neither
 * reveals nor opens the token; `current` marks the session that asks.
 */
export const SessionId = Type.String({ pattern: '^[A-Za-z0-9_-]{22}$' });
export const SessionInfo = Type.Object({
  id: SessionId,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  current: Type.Boolean(),
});
export const SessionList = Type.Object({ sessions: Type.Array(SessionInfo) });
export const SessionParams = Type.Object({ id: SessionId });
export const RevokedSessions = Type.Object({ revoked: Type.Integer({ minimum: 0 }) });
