import { IdParams, withErrors } from '../common/schemas.ts';
import type { App } from '../common/route-types.ts';
import { AccessLog, AccessLogQuery } from '../agencies/schemas.ts';
import { actorOf } from '../plugins/auth.ts';
import * as schemas from './schemas.ts';
import * as service from './service.ts';

const tags = ['threads'];

export default async function threadsRoutes(app: App): Promise<void> {
  const seeker = app.authenticate(['seeker']);
  const counsellor = app.authenticate(['counsellor']);
  const anyone = app.authenticate();

  app.get('/v1/threads/intake', {
    schema: { tags, querystring: schemas.IntakeQuery, response: withErrors({ 200: schemas.IntakeView }) },
    preHandler: seeker,
    handler: (request) => service.intake(app.ctx, actorOf(request), request.query),
  });

  app.post('/v1/threads', {
    schema: { tags, body: schemas.CreateThreadBody, response: withErrors({ 201: schemas.ThreadDetail }) },
    preHandler: seeker,
    config: {
      rateLimit: { max: app.ctx.config.rateLimitAuthMax, timeWindow: app.ctx.config.rateLimitWindowSeconds * 1000 },
    },
    handler: async (request, reply) =>
      reply.status(201).send(await service.createThread(app.ctx, actorOf(request), request.body)),
  });

  app.get('/v1/threads', {
    schema: { tags, querystring: schemas.ListThreadsQuery, response: withErrors({ 200: schemas.ThreadList }) },
    preHandler: anyone,
    handler: (request) => service.listThreads(app.ctx, actorOf(request), request.query),
  });

  app.get('/v1/threads/:id', {
    schema: { tags, params: IdParams, response: withErrors({ 200: schemas.ThreadDetail }) },
    preHandler: anyone,
    handler: (request) => service.getThread(app.ctx, actorOf(request), request.params.id),
  });

  app.get('/v1/threads/:id/members', {
    schema: { tags, params: IdParams, response: withErrors({ 200: schemas.ThreadMembers }) },
    preHandler: anyone,
    handler: (request) => service.threadMembers(app.ctx, actorOf(request), request.params.id),
  });

  app.get('/v1/threads/:id/claim', {
    schema: { tags, params: IdParams, response: withErrors({ 200: schemas.ThreadSummary }) },
    preHandler: counsellor,
    handler: (request) => service.claimPreview(app.ctx, actorOf(request), request.params.id),
  });

  app.post('/v1/threads/:id/claim', {
    schema: { tags, params: IdParams, body: schemas.ClaimBody, response: withErrors({ 200: schemas.ThreadDetail }) },
    preHandler: counsellor,
    handler: (request) => service.claimThread(app.ctx, actorOf(request), request.params.id, request.body.envelopes),
  });

  app.post('/v1/threads/:id/epochs', {
    schema: { tags, params: IdParams, body: schemas.RotateBody, response: withErrors({ 200: schemas.ThreadDetail }) },
    preHandler: anyone,
    handler: (request) =>
      service.rotateEpoch(app.ctx, actorOf(request), request.params.id, request.body.epoch, request.body.envelopes),
  });

  app.post('/v1/threads/:id/envelopes', {
    schema: { tags, params: IdParams, body: schemas.ReshareBody, response: withErrors({ 200: schemas.ReshareResult }) },
    preHandler: anyone,
    handler: (request) => service.reshare(app.ctx, actorOf(request), request.params.id, request.body),
  });

  app.post('/v1/threads/:id/status', {
    schema: { tags, params: IdParams, body: schemas.StatusBody, response: withErrors({ 200: schemas.ThreadDetail }) },
    preHandler: counsellor,
    handler: (request) => service.setThreadStatus(app.ctx, actorOf(request), request.params.id, request.body.status),
  });

  app.get('/v1/threads/:id/access-log', {
    schema: { tags, params: IdParams, querystring: AccessLogQuery, response: withErrors({ 200: AccessLog }) },
    preHandler: app.authenticate(['counsellor', 'admin']),
    handler: (request) =>
      service.threadAccessLog(app.ctx, actorOf(request), request.params.id, request.query.limit ?? 100),
  });
}
