/** The keys of a label table as the non-empty tuple z.enum() takes, so a schema and its labels cannot drift. */
export function keysOf<T extends Record<string, string>>(labels: T) {
  return Object.keys(labels) as [keyof T & string, ...(keyof T & string)[]];
}
