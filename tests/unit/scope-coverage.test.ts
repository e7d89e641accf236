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
