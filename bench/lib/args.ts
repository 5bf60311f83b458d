/**
 * A benchmark's `--name N` flags over its defaults: each a known name and a whole number no smaller
 * than `min`; anything else throws `usage`, naming the flag that was wrong.
 */
export function numberFlags<T extends { [K in keyof T]: number }>(argv: string[], defaults: T, usage: string, min = 0): T {
  const options = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i]!.replace(/^--/, '') as keyof T;
    const value = Number(argv[++i]);
    if (!(key in options) || !Number.isInteger(value) || value < min) throw new Error(`${usage}; bad ${argv[i - 1]}`);
    options[key] = value as T[keyof T];
  }
  return options;
}
