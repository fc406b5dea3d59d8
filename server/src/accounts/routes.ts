import { Type } from '@sinclair/typebox';
import { actorOf, bearerToken } from '../plugins/auth.ts';
import { withErrors } from '../common/schemas.ts';
import { authRateLimit, type App } from '../common/route-types.ts';
import * as resume from './resume.ts';
import { hashToken } from './secrets.ts';
import * as schemas from './schemas.ts';
import * as service from './service.ts';
import * as sessions from './sessions.ts';

const tags = ['accounts'];

/** The hash of the token that authenticated this request (routes behind `authenticate` have one). */
function currentTokenHash(authorization: string | undefined): Uint8Array {
  return hashToken(bearerToken(authorization) ?? '');
}

export default async function accountsRoutes(app: App): Promise<void> {
  app.get('/v1/auth/prelogin', {
    schema: { tags, querystring: schemas.PreloginQuery, response: withErrors({ 200: schemas.PreloginResponse }) },
    config: authRateLimit(app),
    handler: (request) => service.prelogin(app.ctx, request.query.username),
  });

  app.post('/v1/auth/register', {
    schema: { tags, body: schemas.RegisterBody, response: withErrors({ 201: schemas.SessionResponse }) },
    config: authRateLimit(app),
    handler: async (request, reply) => reply.status(201).send(await service.registerSeeker(app.ctx, request.body)),
  });

  app.post('/v1/auth/anonymous', {
    schema: { tags, body: schemas.AnonymousBody, response: withErrors({ 201: schemas.SessionResponse }) },
    config: authRateLimit(app),
    handler: async (request, reply) => reply.status(201).send(await service.registerAnonymous(app.ctx, request.body)),
  });

  app.post('/v1/auth/login', {
    schema: { tags, body: schemas.LoginBody, response: withErrors({ 200: schemas.LoginResponse }) },
    config: authRateLimit(app),
    handler: (request) => service.login(app.ctx, request.body),
  });

  app.post('/v1/auth/activate', {
    schema: { tags, body: schemas.ActivateBody, response: withErrors({ 201: schemas.SessionResponse }) },
    config: authRateLimit(app),
    handler: async (request, reply) => reply.status(201).send(await service.activate(app.ctx, request.body)),
  });

  app.post('/v1/auth/resume', {
    schema: { tags, body: schemas.ResumeBody, response: withErrors({ 200: schemas.ResumeResponse }) },
    config: authRateLimit(app),
    handler: (request) => resume.resume(app.ctx, request.body),
  });

  app.put('/v1/me/resume-code', {
    schema: { tags, body: schemas.ResumeCodeBody, response: withErrors({ 204: Type.Null() }) },
    preHandler: app.authenticate(['seeker']),
    handler: async (request, reply) => {
      await resume.setResumeCode(app.ctx, actorOf(request), request.body);
      return reply.status(204).send(null);
    },
  });

  app.post('/v1/auth/logout', {
    schema: { tags, response: withErrors({ 204: Type.Null() }) },
    preHandler: app.authenticate(),
    handler: async (request, reply) => {
      const token = bearerToken(request.headers.authorization);
      if (token) await service.logout(app.ctx, token);
      return reply.status(204).send(null);
    },
  });

  app.get('/v1/me/sessions', {
    schema: { tags, response: withErrors({ 200: schemas.SessionList }) },
    preHandler: app.authenticate(),
    handler: async (request) => ({
      sessions: await sessions.listSessions(app.ctx, actorOf(request), currentTokenHash(request.headers.authorization)),
    }),
  });

  app.delete('/v1/me/sessions/:id', {
    schema: { tags, params: schemas.SessionParams, response: withErrors({ 204: Type.Null() }) },
    preHandler: app.authenticate(),
    handler: async (request, reply) => {
      await sessions.revokeSession(app.ctx, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  });

  app.post('/v1/me/sessions/revoke-others', {
    schema: { tags, response: withErrors({ 200: schemas.RevokedSessions }) },
    preHandler: app.authenticate(),
    handler: async (request) => ({
      revoked: await sessions.revokeOtherSessions(app.ctx, actorOf(request), currentTokenHash(request.headers.authorization)),
    }),
  });

  app.get('/v1/me', {
    schema: { tags, response: withErrors({ 200: schemas.Me }) },
    preHandler: app.authenticate(),
    handler: (request) => service.me(app.ctx, actorOf(request)),
  });

  app.delete('/v1/me', {
    schema: { tags, response: withErrors({ 204: Type.Null() }) },
    preHandler: app.authenticate(),
    handler: async (request, reply) => {
      await service.deleteAccount(app.ctx, actorOf(request));
      return reply.status(204).send(null);
    },
  });
}
