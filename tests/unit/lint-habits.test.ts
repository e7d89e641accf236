// Guards the lint rules of issue 27 §4–§5 themselves: a selector with a typo matches nothing and
// passes everything, so each rule is shown a planted violation (and the lookalike it must leave
// alone) through ESLint with the project's own eslint.config.mjs.
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

let eslint: ESLint;
beforeAll(async () => {
  eslint = new ESLint({ cwd: process.cwd() });
  // Loading the config and typescript-eslint's parser is most of the time: once, here.
  await eslint.lintText("export {};", { filePath: "lib/warm-up.ts" });
}, 120_000);

/** The messages of the project's own habits for `code` as if it were the file at `filePath`. */
async function habits(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-syntax").map((m) => m.message);
}

describe("the date habits", () => {
  it("refuse the UTC day, a hand-written +8 hours and a date regex of one's own outside lib/format", async () => {
    const found = await habits(
      [
        "export const day = (at: Date) => at.toISOString().slice(0, 10);",
        "export const local = (at: Date) => new Date(at.getTime() + 8 * 3600_000);",
        "export const local2 = (at: Date) => new Date(at.getTime() + 8 * 60 * 60 * 1000);",
        "export const offset = 28_800_000;",
        "export const isDay = (v: string) => /^\\d{4}-\\d{2}-\\d{2}$/.test(v);",
        "export const skew = () => new Date().getTimezoneOffset();",
      ].join("\n"),
      "lib/somewhere/planted.ts",
    );
    expect(found).toHaveLength(6);
    expect(found[0]).toContain("toISOString().slice() gives the UTC day");
    expect(found.filter((m) => m.includes("A hand-written +8 hours"))).toHaveLength(3);
    expect(found[4]).toContain("A date regex of its own");
  });

  it("leave alone what only looks like them", async () => {
    const found = await habits(
      [
        "export const officeHours = 8 * 60 + 30;", // 08:30 in minutes
        "export const month = /^\\d{4}-(0[1-9]|1[0-2])$/;", // a month, not a day
        "export const cursor = /^(\\d{4}-\\d{2}-\\d{2})_([0-9a-f-]{36})$/;", // a keyset cursor that starts with a date
        "export const stamp = (at: Date) => at.toISOString();",
      ].join("\n"),
      "lib/somewhere/fine.ts",
    );
    expect(found).toEqual([]);
  });

  it("let lib/format/datetime.ts, the one module that knows the zone, do what it must", async () => {
    expect(await habits("export const day = (at: Date) => at.toISOString().slice(0, 10);", "lib/format/datetime.ts")).toEqual([]);
  });
});

describe("the component habit", () => {
  it("refuses a role decided in a component, and not in lib/", async () => {
    const code = 'export const offer = (roles: string[], role: string) => roles.includes("OFFICIAL") || role === "CASEWORKER";';
    expect(await habits(code, "components/somewhere/planted.tsx")).toEqual([
      expect.stringContaining("A role decided in a component"),
      expect.stringContaining("A role decided in a component"),
    ]);
    expect(await habits(code, "lib/somewhere/rules.ts")).toEqual([]);
  });
});
