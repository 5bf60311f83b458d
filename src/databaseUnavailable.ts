/**
 * True for the ways node-postgres reports that PostgreSQL cannot be reached or went away, as
 * opposed to a statement it refused:
 * - SQLSTATE class 08 (connection exceptions) and 57P01–57P03 (the server shutting down, crashed,
 *   or still starting);
 * - pg's and pg-pool's own words for a connection that dropped or never came;
 * - a socket error as pg hands it on, raw. HTTP clients wrap theirs (fetch in a TypeError whose
 *   cause is the socket error, which is why causes are not followed here).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // Shapes, not `instanceof Error`: errors made by Node's own sockets may come from another realm.
  if (typeof error !== 'object' || error === null) return false;
  const { code, syscall, message } = error as { code?: unknown; syscall?: unknown; message?: unknown };
  if (typeof code === 'string' && (/^08[0-9A-Z]{3}$/.test(code) || /^57P0[1-3]$/.test(code))) return true;
  if (typeof message === 'string' && (/^Connection terminated\b/i.test(message) || /timeout exceeded when trying to connect/i.test(message))) return true;
  return typeof code === 'string' && typeof syscall === 'string' && SOCKET_FAILURES.has(code) && !('config' in error) && !('response' in error);
}

const SOCKET_FAILURES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE']);
