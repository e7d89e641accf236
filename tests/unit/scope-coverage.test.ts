// Guards the data-access layer: every model is either scoped to an organisation subtree or
// explicitly declared organisation-free, so a new table cannot slip past the scope unnoticed.
import { describe, expect, it } from "vitest";
import { SCOPE_BY_MODEL, UNSCOPED_MODELS } from "@/lib/data/scope";
import { ModelName } from "@/lib/generated/prisma/internal/prismaNamespace";

describe("organisation scope coverage", () => {
  it("classifies every Prisma model exactly once", () => {
    const models = Object.values(ModelName);
    const unclassified = models.filter((m) => !(m in SCOPE_BY_MODEL) && !UNSCOPED_MODELS.has(m));
    const both = models.filter((m) => m in SCOPE_BY_MODEL && UNSCOPED_MODELS.has(m));
    const unknown = [...Object.keys(SCOPE_BY_MODEL), ...UNSCOPED_MODELS].filter((m) => !(models as string[]).includes(m));
    expect({ unclassified, both, unknown }).toEqual({ unclassified: [], both: [], unknown: [] });
  });
});

describe("the statement check's list of scoped tables", () => {
  it("is the tables of SCOPE_BY_MODEL (their @@map in the schema)", async () => {
    const { readFileSync } = await import("node:fs");
    const { SCOPED_TABLES } = await import("@/lib/db/statement-scope");
    const schema = readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8");
    const tableOf = new Map([...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)].map((m) => [m[1]!, /@@map\("(\w+)"\)/.exec(m[2]!)?.[1] ?? m[1]!]));
    expect([...SCOPED_TABLES].sort()).toEqual(
      Object.keys(SCOPE_BY_MODEL)
        .map((m) => tableOf.get(m))
        .sort(),
    );
  });
});
