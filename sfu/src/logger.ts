/**
 * The logging surface the SFU needs. A pino or Fastify logger satisfies it,
 * so the server passes `app.log.child({ module: 'sfu' })` without adapters.
 */
export interface SfuLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Discards everything; the default so library use and tests stay quiet. */
export const noopLogger: SfuLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
