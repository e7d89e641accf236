// Time-ordered keys for rows written in bulk (the seed, the household import).
import { randomUUID } from "node:crypto";

let v7Millis = 0;
let v7Sequence = 0;

/**
 * A UUID version 7 (RFC 9562): milliseconds, then a 12-bit sequence, then random bits. Files
 * written later get larger ids, so household_file's primary key and the (file_id, …) keys of
 * file_person and filing_event grow at their right edge instead of touching a random page of a
 * million-row index per row. PostgreSQL's own uuidv7() is 18 and newer; a server we are given
 * may be 15.
 */
export function uuidv7(): string {
  const now = Date.now();
  if (now > v7Millis) {
    v7Millis = now;
    v7Sequence = 0;
  } else if (++v7Sequence > 0xfff) {
    v7Millis += 1;
    v7Sequence = 0;
  }
  // A random version-4 UUID (its variant bits are 7's too) with the time and sequence written over its first half.
  const time = v7Millis.toString(16).padStart(12, "0");
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8)}-7${v7Sequence.toString(16).padStart(3, "0")}${random.slice(18)}`;
}
