export const PAGE_SIZE = 20;

/** A 1-based page number from a search parameter; anything odd becomes page 1. */
export function pageFrom(value: string | string[] | undefined): number {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(n) && n > 0 && n < 100_000 ? n : 1;
}

export type TPage<T> = { rows: T[]; total: number; page: number; pageCount: number };

export function toPage<T>(rows: T[], total: number, page: number, pageSize = PAGE_SIZE): TPage<T> {
  return { rows, total, page, pageCount: Math.max(1, Math.ceil(total / pageSize)) };
}
