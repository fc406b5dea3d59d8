import { Type, type Static } from '@sinclair/typebox';
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
  Username,
  Uuid,
} from '../common/schemas.ts';

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
export type RegisterInput = Static<typeof RegisterBody>;

export const AnonymousBody = Type.Object({
  identity: PublicIdentitySchema,
  linkCode: Type.Optional(LinkCode),
});
export type AnonymousInput = Static<typeof AnonymousBody>;

export const LoginBody = Type.Object({ username: Username, authKey: AuthKey });
export type LoginInput = Static<typeof LoginBody>;

export const ActivateBody = Type.Object({
  activationCode: LinkCode,
  username: Username,
  displayName: Type.Optional(Name),
  authKey: AuthKey,
  kdf: KdfParamsSchema,
  identity: PublicIdentitySchema,
  keyBackup: KeyBackupSchema,
});
export type ActivateInput = Static<typeof ActivateBody>;

export const Membership = Type.Object({
  agencyId: Uuid,
  agencyName: Type.String(),
  isTeam: Type.Boolean(),
  isAgencyAdmin: Type.Boolean(),
  personalCode: Type.String(),
});

export const Me = Type.Object({
  id: Uuid,
  role: Type.Union([Type.Literal('seeker'), Type.Literal('counsellor'), Type.Literal('admin')]),
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
export type MeView = Static<typeof Me>;

export const SessionResponse = Type.Object({ token: Type.String(), user: Me });
export type SessionView = Static<typeof SessionResponse>;

export const LoginResponse = Type.Object({
  token: Type.String(),
  user: Me,
  kdf: KdfParamsSchema,
  keyBackup: KeyBackupSchema,
});
export type LoginView = Static<typeof LoginResponse>;
