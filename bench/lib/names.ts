/**
 * A name maker that never repeats itself: it tries `attempts` fresh names, then, in a dense corner
 * of the name space, makes one unique with a counter.
 */
export function uniqueNames(attempts: number): (make: () => string) => string {
  const taken = new Set<string>();
  return (make) => {
    for (let attempt = 0; attempt < attempts; attempt++) {
      const name = make();
      if (!taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
    const name = `${make()}-${taken.size}`;
    taken.add(name);
    return name;
  };
}

export const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
