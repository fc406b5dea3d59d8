/** Wire schemas of this domain live in the SDK's contract, shared with clients. */
export * from '../../../client-sdk/src/contract/absences.ts';
