import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CounselClient, CryptoError, CryptoFailure, MemoryPinStore } from '../../../client-sdk/src/index.ts';
import { generateIdentity } from '../../../client-sdk/src/crypto/identity.ts';
import { newSeeker, PASSWORD, startServer, type TestServer } from '../helpers/server.ts';
import { buildWorld, type World } from '../helpers/world.ts';

describe('identity key pinning', () => {
  let server: TestServer;
  let world: World;
  beforeAll(async () => {
    server = await startServer('pglite');
    world = await buildWorld(server);
  });
  afterAll(async () => server?.close());

  it('should report a changed peer key and send nothing until the user accepts it', async () => {
    const [b1] = world.solo.counsellors;
    const seeker = await newSeeker(server);
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'hello' });
    await b1.claim(thread.id);
    await seeker.sendMessage(thread.id, 'pinned now');
    const changes: string[] = [];
    seeker.onIdentityKeyChanged((change) => changes.push(change.userId));

    // A malicious server swaps b1's public keys for keys it controls.
    const evil = generateIdentity();
    await server.db.database.db
      .updateTable('users')
      .set({ signPublicKey: evil.signPublicKey, boxPublicKey: evil.boxPublicKey })
      .where('id', '=', b1.userId)
      .execute();
    await server.db.database.db.updateTable('threads').set({ rekeyRequired: true }).where('id', '=', thread.id).execute();
    const countBefore = (await seeker.history(thread.id)).lastSeq;

    const error = await seeker.sendMessage(thread.id, 'must not be sent').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CryptoError);
    expect((error as CryptoError).failure).toBe(CryptoFailure.IDENTITY_KEY_CHANGED);
    expect(changes).toEqual([b1.userId]);
    expect((await seeker.history(thread.id)).lastSeq).toBe(countBefore);

    // After explicit acceptance (the user compared safety numbers) sending works again.
    await seeker.acceptIdentityKey(b1.userId);
    await seeker.sendMessage(thread.id, 'accepted');
    expect((await seeker.history(thread.id)).lastSeq).toBe(countBefore + 1);
  });

  it('should refuse to send into a thread whose peer key changed, even on the current epoch, until accepted', async () => {
    const [, b2] = world.solo.counsellors;
    const pins = new MemoryPinStore();
    const seeker = await CounselClient.register({ baseUrl: server.url, username: `pin-${Date.now()}`, password: PASSWORD, kdfProfile: 'minimum', pins });
    const thread = await seeker.createEnquiry({ topicId: world.topic.id, agencyId: world.solo.id, text: 'hello' });
    await b2.claim(thread.id);
    await b2.sendMessage(thread.id, 'answer');
    expect((await seeker.history(thread.id)).messages.map((m) => m.text)).toEqual(['hello', 'answer']);

    // The server swaps b2's key; no re-key is asked for, so the current epoch key would still work.
    const original = await server.db.database.db.selectFrom('users').select(['signPublicKey', 'boxPublicKey']).where('id', '=', b2.userId).executeTakeFirstOrThrow();
    const evil = generateIdentity();
    await server.db.database.db.updateTable('users').set({ signPublicKey: evil.signPublicKey, boxPublicKey: evil.boxPublicKey }).where('id', '=', b2.userId).execute();
    try {
      // The seeker comes back later (same pins, as a browser keeps them) and reads the thread.
      const again = await CounselClient.resume({ baseUrl: server.url, session: seeker.saveSession(), pins });
      const changes: string[] = [];
      again.onIdentityKeyChanged((change) => changes.push(change.userId));
      const read = await again.history(thread.id);
      expect(read.messages.find((m) => m.senderId === b2.userId)?.text).toBeNull();
      expect(changes).toEqual([b2.userId]);
      const lastSeq = read.lastSeq;
      const error = await again.sendMessage(thread.id, 'must not be sent').catch((caught: unknown) => caught);
      expect((error as CryptoError).failure).toBe(CryptoFailure.IDENTITY_KEY_CHANGED);
      expect((await again.history(thread.id)).lastSeq).toBe(lastSeq);
    } finally {
      await server.db.database.db.updateTable('users').set(original).where('id', '=', b2.userId).execute();
    }
  });
});
