import { isDatabaseUnavailable } from './databaseUnavailable';
import { redactSecrets } from './redact';

/**
 * Errors that carry a code and a message written for the person who has to act on it.
 * Anything thrown that is not an AppError is treated as an internal failure.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'DATABASE_UNAVAILABLE'
  | 'DATABASE_SCHEMA_NEWER'
  | 'MIGRATION_FAILED'
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'INPUT_INVALID'
  | 'INTERNAL';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(redactSecrets(message), options);
    this.name = new.target.name;
  }
}

/** Safe to show to an end user as it is. */
export class UserFacingError extends AppError {
  constructor(message: string, options?: { cause?: unknown; code?: ErrorCode }) {
    super(options?.code ?? 'INPUT_INVALID', message, options);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class ValidationError extends AppError {
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super('VALIDATION_FAILED', message);
  }
}

export class ConfigError extends AppError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = typeof (error as { message?: unknown } | null)?.message === 'string' ? (error as Error).message : String(error);
  if (isDatabaseUnavailable(error)) return new AppError('DATABASE_UNAVAILABLE', `The catalog database is not answering: ${message}`, { cause: error });
  return new AppError('INTERNAL', message, { cause: error });
}
