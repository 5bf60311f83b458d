/**
 * Hides secrets in text before it reaches a log line, an error message or a person. The logger
 * runs every line through it (after JSON encoding) and AppError runs every message through it, so
 * a connection string or API URL with credentials is safe to put in either.
 *
 * The patterns also work on JSON-encoded text: a secret holding `"` is written `\"` there, and
 * escaped pairs are read as part of the secret rather than as its end.
 */
export function redactSecrets(text: string): string {
  return (
    text
      // scheme://user:password@host — the password runs to the last @ before the path, as URL
      // parsers read it, so an unencoded @ in a password does not leave its tail visible.
      .replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"\\]*):(?:\\.|[^\s/?#"\\])*@/gi, '$1:***@')
      // ?password=…, &sslpassword=…, client_secret=…, access_token=…, api_key=…, token=…
      .replace(/(\b[\w-]*(?:password|passwd|pwd|secret|api_?key|token)=)(?:\\.|[^\s&#;"'\\])*/gi, '$1***')
      // "password": "…" and the like, in JSON.
      .replace(/("[\w-]*(?:password|passwd|secret|token|api_?key)"\s*:\s*")(?:\\.|[^"\\])*"/gi, '$1***"')
      // Authorization headers: a bearer token, or Opsgenie's GenieKey.
      .replace(/((?:Bearer|GenieKey)\s+)[^\s&"\\]+/gi, '$1***')
      .replace(/\b(xox[abeprs]-|xapp-)[A-Za-z0-9-]+/g, '$1***')
      .replace(/\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]+/g, '$1***')
  );
}
