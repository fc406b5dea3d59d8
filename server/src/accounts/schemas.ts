import type { Static } from '@sinclair/typebox';
import type * as contract from '../../../client-sdk/src/contract/accounts.ts';

/** Wire schemas of this domain live in the SDK's contract; the server names the types it uses. */
export * from '../../../client-sdk/src/contract/accounts.ts';

export type RegisterInput = Static<typeof contract.RegisterBody>;
export type AnonymousInput = Static<typeof contract.AnonymousBody>;
export type LoginInput = Static<typeof contract.LoginBody>;
export type ActivateInput = Static<typeof contract.ActivateBody>;
export type MeView = Static<typeof contract.Me>;
export type SessionView = Static<typeof contract.SessionResponse>;
export type LoginView = Static<typeof contract.LoginResponse>;
export type ResumeCodeInput = Static<typeof contract.ResumeCodeBody>;
export type ResumeInput = Static<typeof contract.ResumeBody>;
export type ResumeView = Static<typeof contract.ResumeResponse>;
