import { IdParams, withErrors } from '../common/schemas.ts';
import type { App } from '../common/route-types.ts';
import { actorOf } from '../plugins/auth.ts';
import * as schemas from './schemas.ts';
import * as service from './service.ts';

const tags = ['messages'];

export default async function messagesRoutes(app: App): Promise<void> {
  app.post('/v1/threads/:id/messages', {
    schema: {
      tags,
      params: IdParams,
      body: schemas.NewMessageBody,
      response: withErrors({ 200: schemas.MessageView, 201: schemas.MessageView }),
    },
    preHandler: app.authenticate(),
    handler: async (request, reply) => {
      const { message, created } = await service.sendMessage(app.ctx, actorOf(request), request.params.id, request.body);
      return reply.status(created ? 201 : 200).send(message);
    },
  });

  app.get('/v1/threads/:id/messages', {
    schema: { tags, params: IdParams, querystring: schemas.HistoryQuery, response: withErrors({ 200: schemas.HistoryPage }) },
    preHandler: app.authenticate(),
    handler: (request) => service.history(app.ctx, actorOf(request), request.params.id, request.query),
  });
}
