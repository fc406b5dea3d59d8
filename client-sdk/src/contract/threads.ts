import { Type } from '@sinclair/typebox';
import { PublicKey, SealedKey, Signature, Timestamp, UserKeys, Uuid } from './common.ts';
import { NewMessageBody } from './messages.ts';

export const ThreadStatusSchema = Type.Union([
  Type.Literal('enquiry'),
  Type.Literal('active'),
  Type.Literal('archived'),
  Type.Literal('closed'),
]);

export const EnvelopeInput = Type.Object({ recipientId: Uuid, sealedKey: SealedKey, signature: Signature });
export const EnvelopeList = Type.Array(EnvelopeInput, { minItems: 1, maxItems: 500 });

export const IntakeQuery = Type.Object({
  topicId: Uuid,
  agencyId: Type.Optional(Uuid),
});

export const IntakeView = Type.Object({
  agencyId: Uuid,
  topicId: Uuid,
  counsellorId: Type.Union([Uuid, Type.Null()]),
  status: ThreadStatusSchema,
  readers: Type.Array(UserKeys),
});

export const CreateThreadBody = Type.Object({
  /** Chosen by the client: the first message is bound to it before the thread exists. */
  id: Uuid,
  topicId: Uuid,
  agencyId: Type.Optional(Uuid),
  envelopes: EnvelopeList,
  firstMessage: Type.Omit(NewMessageBody, ['epoch']),
});

export const ThreadSummary = Type.Object({
  id: Uuid,
  seekerId: Uuid,
  agencyId: Uuid,
  agencyName: Type.String(),
  topicId: Uuid,
  topicName: Type.String(),
  counsellorId: Type.Union([Uuid, Type.Null()]),
  status: ThreadStatusSchema,
  isTeam: Type.Boolean(),
  /** The seeker's identity, so a counsellor can seal the claimed epoch from the inbox listing alone. */
  seekerSignPublicKey: PublicKey,
  seekerBoxPublicKey: PublicKey,
  currentEpoch: Type.Integer(),
  rekeyRequired: Type.Boolean(),
  lastSeq: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const MyEnvelope = Type.Object({
  epoch: Type.Integer(),
  creatorId: Uuid,
  sealedKey: SealedKey,
  signature: Signature,
});

export const ThreadDetail = Type.Composite([
  ThreadSummary,
  Type.Object({
    relation: Type.Union([Type.Literal('seeker'), Type.Literal('assigned'), Type.Literal('agency'), Type.Literal('team')]),
    envelopes: Type.Array(MyEnvelope),
    counsellorAbsence: Type.Union([
      Type.Object({ message: Type.String(), until: Type.Union([Timestamp, Type.Null()]) }),
      Type.Null(),
    ]),
  }),
]);

export const ListThreadsQuery = Type.Object({
  view: Type.Optional(Type.Union([Type.Literal('enquiries'), Type.Literal('mine'), Type.Literal('team')])),
  agencyId: Type.Optional(Uuid),
  status: Type.Optional(ThreadStatusSchema),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
export const ThreadList = Type.Object({ threads: Type.Array(ThreadSummary) });

export const ClaimBody = Type.Object({ envelopes: EnvelopeList });
export const RotateBody = Type.Object({ epoch: Type.Integer({ minimum: 1, maximum: 1_000_000 }), envelopes: EnvelopeList });
export const ReshareBody = Type.Object({
  envelopes: Type.Array(
    Type.Composite([EnvelopeInput, Type.Object({ epoch: Type.Integer({ minimum: 0, maximum: 1_000_000 }) })]),
    { minItems: 1, maxItems: 2000 },
  ),
});
export const ReshareResult = Type.Object({ added: Type.Integer() });

/** Close or archive a case, or reopen (`active`) a closed or archived one. */
export const StatusBody = Type.Object({
  status: Type.Union([Type.Literal('closed'), Type.Literal('archived'), Type.Literal('active')]),
});

/** `displayName` (from UserKeys) is the staff display name, null for seekers. */
export const ThreadMember = Type.Composite([UserKeys, Type.Object({ isReader: Type.Boolean() })]);
export const ThreadMembers = Type.Object({ members: Type.Array(ThreadMember) });
