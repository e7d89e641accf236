// The shape of a query code, shared by the form (browser) and the server.

/** No 0/O, 1/I/L: nothing a worker can misread from paper. 31 characters. */
export const QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const QUERY_CODE_LENGTH = 10;

/** As printed: two groups of five, easier to copy from paper. */
export function formatQueryCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** What a worker typed, as it was generated: upper case, without spaces or hyphens. */
export function normalizeQueryCode(input: string): string {
  return input.toUpperCase().replace(/[\s\-－—]/g, "");
}
