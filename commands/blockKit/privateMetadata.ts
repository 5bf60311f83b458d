import type { z } from 'zod';
import { AppError, UserFacingError } from '../../src/errors';
import { BLOCK_KIT_LIMITS } from './limits';

/**
 * State carried from one modal step to the next in `private_metadata`. Slack caps it at 3,000
 * characters; anything larger belongs in PostgreSQL with only its id carried here.
 */
export function encodePrivateMetadata(value: unknown): string {
  const text = JSON.stringify(value);
  if (text.length > BLOCK_KIT_LIMITS.privateMetadata) {
    throw new AppError('INTERNAL', `private_metadata would be ${text.length} characters, over Slack's limit of ${BLOCK_KIT_LIMITS.privateMetadata}: keep the state in the database and carry its id instead.`);
  }
  return text;
}

/** Reads private_metadata back; a modal from an older version or a tampered one gets a clear answer. */
export function decodePrivateMetadata<T>(text: string | undefined, schema: z.ZodType<T>): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    throw new UserFacingError('This form is out of date. Close it and open it again.');
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new UserFacingError('This form is out of date. Close it and open it again.');
  return result.data;
}
