// Guards read-your-writes' comparison of WAL positions (lib/db/read-routing.ts): "X/Y" is a 64-bit
// position, high 32 bits before the slash, so "1/0" comes after "0/FFFFFFFF" — a string comparison
// or parseInt of the whole text would get that wrong and send a user's read to a lagging replica.
import { describe, expect, it } from "vitest";
import { parseLsn } from "@/lib/db/read-routing";

describe("parseLsn", () => {
  it("orders positions as PostgreSQL does, across the 32-bit boundary", () => {
    expect(parseLsn("16/B374D848")).toBe(0x16b374d848n);
    expect(parseLsn("1/0") > parseLsn("0/FFFFFFFF")).toBe(true);
    expect(parseLsn("0/9") < parseLsn("0/10")).toBe(true);
    expect(parseLsn("A/0") > parseLsn("9/FFFFFFFF")).toBe(true);
  });
});
