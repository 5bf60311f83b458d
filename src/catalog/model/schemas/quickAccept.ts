import type { ZodTypeAny } from 'zod';

/** Answers only "certainly valid" (true) or "ask the schema" (false). */
export type Acceptor = (value: unknown) => boolean;

/**
 * A direct check compiled from a zod schema made of plain parts: passthrough objects, strings with
 * a minimum length, arrays without length rules, enums, and optionals of those. Nearly every spec
 * ingestion sees is valid, and zod spends most of its time building a parse result nobody reads.
 * The check says true only when the schema would accept; anything else (a false, or a schema with
 * other parts, which compiles to null) goes to the schema, which also writes the messages.
 */
export function compileAcceptor(schema: ZodTypeAny): Acceptor | null {
  const def = schema._def as { typeName?: string } & Record<string, unknown>;
  switch (def.typeName) {
    case 'ZodString': {
      const checks = def.checks as Array<{ kind: string; value?: number }>;
      if (!checks.every((check) => check.kind === 'min')) return null;
      const min = Math.max(0, ...checks.map((check) => check.value ?? 0));
      return (value) => typeof value === 'string' && value.length >= min;
    }
    case 'ZodOptional': {
      const inner = compileAcceptor(def.innerType as ZodTypeAny);
      return inner && ((value) => value === undefined || inner(value));
    }
    case 'ZodArray': {
      if (def.minLength !== null || def.maxLength !== null || def.exactLength !== null) return null;
      const item = compileAcceptor(def.type as ZodTypeAny);
      if (!item) return null;
      return (value) => {
        if (!Array.isArray(value)) return false;
        // Index by index, as zod reads holes of a sparse array as undefined.
        for (let i = 0; i < value.length; i++) if (!item(value[i])) return false;
        return true;
      };
    }
    case 'ZodEnum': {
      const options = new Set(def.values as string[]);
      return (value) => typeof value === 'string' && options.has(value);
    }
    case 'ZodObject': {
      const catchall = (def.catchall as ZodTypeAny | undefined)?._def as { typeName?: string } | undefined;
      if (def.unknownKeys !== 'passthrough' || catchall?.typeName !== 'ZodNever') return null;
      const fields: Array<[string, Acceptor]> = [];
      for (const [key, field] of Object.entries((def.shape as () => Record<string, ZodTypeAny>)())) {
        const accept = compileAcceptor(field);
        if (!accept) return null;
        fields.push([key, accept]);
      }
      return (value) => {
        if (!isPlainRecord(value)) return false;
        for (const [key, accept] of fields) if (!accept((value as Record<string, unknown>)[key])) return false;
        return true;
      };
    }
    default:
      return null;
  }
}

/** A mapping as zod types it: not an array, date, map, set or promise (whatever realm made it). */
function isPlainRecord(value: unknown): boolean {
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  return typeof (value as { then?: unknown }).then !== 'function';
}
