// Guards the audit log's wording: every action code the domain layer writes has a Chinese label.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { auditActionLabel } from "@/lib/audit/labels";

const LIB = path.resolve(import.meta.dirname, "../../lib");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (entry === "generated") return [];
    return statSync(full).isDirectory() ? files(full) : full.endsWith(".ts") ? [full] : [];
  });
}

describe("audit action labels", () => {
  it("labels every action code written in lib/, and those built at run time", () => {
    const literal = files(LIB).flatMap((f) =>
      [...readFileSync(f, "utf8").matchAll(/"((?:user|organisation|filing|evidence|file|ledger|audit|policy|calendar|civil|export|public)\.[a-z.-]+)"/g)].map(
        (m) => m[1]!,
      ),
    );
    // Codes built at run time: workflow steps (lib/filing/workflow.ts), change requests (lib/dynamic/changes.ts), exports.
    const built = [
      ...["reviewed", "publicity_started", "objection_recorded", "civil_check_recorded", "approved", "rejected", "reopened"].map((k) => `filing.${k}`),
      ...["propose", "approve", "reject"].flatMap((verb) => ["tier_change", "exit", "transfer"].map((kind) => `change.${verb}.${kind}`)),
      "change.receive.transfer",
      "change.decline.transfer",
      "audit.export.events",
      "audit.export.signins",
    ];
    const codes = [...new Set([...literal, ...built])];
    expect(codes.length).toBeGreaterThan(30);
    expect(codes.filter((code) => auditActionLabel(code) === code)).toEqual([]);
  });
});
