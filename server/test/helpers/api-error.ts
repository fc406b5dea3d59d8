import { expect } from 'vitest';
import { ApiError } from '../../../client-sdk/src/index.ts';

/** Asserts that `promise` rejects with the SDK's ApiError of this status (and code). */
export async function expectApiError(promise: Promise<unknown>, status: number, code?: string): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect((error as ApiError).status).toBe(status);
  if (code) expect((error as ApiError).code).toBe(code);
  return error as ApiError;
}
