import { Type } from '@sinclair/typebox';
import { withErrors } from '../common/schemas.ts';
import type { App } from '../common/route-types.ts';
import { actorOf } from '../plugins/auth.ts';
import * as schemas from './schemas.ts';
import * as service from './service.ts';

const tags = ['absences'];

export default async function absencesRoutes(app: App): Promise<void> {
  const counsellor = app.authenticate(['counsellor']);

  app.get('/v1/me/absence', {
    schema: { tags, response: withErrors({ 200: schemas.AbsenceOrNone }) },
    preHandler: counsellor,
    handler: (request) => service.getAbsence(app.ctx, actorOf(request)),
  });

  app.put('/v1/me/absence', {
    schema: { tags, body: schemas.AbsenceBody, response: withErrors({ 200: schemas.AbsenceView }) },
    preHandler: counsellor,
    handler: (request) => service.setAbsence(app.ctx, actorOf(request), request.body.message, request.body.until),
  });

  app.delete('/v1/me/absence', {
    schema: { tags, response: withErrors({ 204: Type.Null() }) },
    preHandler: counsellor,
    handler: async (request, reply) => {
      await service.clearAbsence(app.ctx, actorOf(request));
      return reply.status(204).send(null);
    },
  });
}
