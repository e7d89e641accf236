// Guards "a page asks the domain what is allowed" (issue 27 §1): pages and components never decide
// what to offer from roles, role or status constants, or who made a record. They call the
// predicates of lib/<feature>/rules.ts — the same ones the domain functions pass to `enforce` — and
// hand the answers to client components. A rule restated in a page drifts from the server's
// (STYLE.md, "A page asks the domain what is allowed").
//
// Not covered here, on purpose: route handlers (app/**/route.ts) refuse a request by role as the
// server side of a download, like an action's role list; `requirePageActor(...)` names who may open
// a page at all; a status compared to choose a badge's colour or a sentence describes the record,
// it does not grant a step.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((entry) => {
    const rel = path.join(dir, entry);
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sourceFiles(rel);
    return /\.(ts|tsx)$/.test(entry) && !/(^|\/)route\.ts$/.test(rel) ? [rel] : [];
  });
}

// Account administration edits a user's roles as data (a checkbox per role), which is what it is for.
const EDITS_ROLES_AS_DATA = [/^components\/users\//, /^app\/\(app\)\/admin\/users\//];

/** The source without comments and without `requirePageActor(…)` calls (who may open the page). */
function decidingCode(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1")
    .replace(/requirePageActor\([^)]*\)/g, "requirePageActor()");
}

/** Every way a page or component decides from roles or authorship instead of asking a rules predicate. */
export function violations(file: string, text: string): string[] {
  const code = decidingCode(text);
  const found: string[] = [];
  if (/import[^;]*\b(hasRole|assertRole)\b[^;]*from/.test(code)) found.push("imports hasRole/assertRole");
  if (/\broles\s*\.\s*(includes|some|every|indexOf)\s*\(/.test(code)) found.push("reads roles (roles.includes …)");
  if (/\broles\s*=\s*\{/.test(code)) found.push("passes roles to a component");
  if (/([!=]==\s*actor\.userId\b|\bactor\.userId\s*[!=]==)/.test(code)) found.push("compares a record's maker with actor.userId");
  // A role or status constant imported to decide (e.g. WARNING_ACTORS, EVIDENCE_UPLOAD_STATUSES);
  // naming who may open the page (requirePageActor(...SECTION_ROLES.x)) is stripped above.
  for (const m of code.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from/g)) {
    for (const name of m[1]!.split(",").map((n) =>
      n
        .trim()
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/)
        .pop()!,
    )) {
      if (!/^[A-Z][A-Z0-9_]*_(ROLES|STATUSES|READERS|ACTORS|EDITORS|DECIDERS)$/.test(name)) continue;
      const uses = code.split(/\n/).filter((line) => !/^\s*import\b/.test(line) && new RegExp(`\\b${name}\\b`).test(line));
      if (uses.length > 0) found.push(`decides with ${name}`);
    }
  }
  if (!EDITS_ROLES_AS_DATA.some((re) => re.test(file)) && /["'`](CASEWORKER|OFFICIAL|AUDITOR|ADMIN)["'`]/.test(code)) found.push("names a role");
  return found;
}

describe("pages and components ask lib/<feature>/rules.ts what is allowed", () => {
  const files = ["app", "components"].flatMap(sourceFiles);

  it("finds the pages and components", () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it("decide nothing from roles, role or status constants, or a record's maker", () => {
    const offenders = files.flatMap((file) => violations(file, readFileSync(path.join(ROOT, file), "utf8")).map((v) => `${file}: ${v}`));
    expect(offenders).toEqual([]);
  });

  it("catches each kind of restated rule (the guard itself can fail)", () => {
    const page = "app/(app)/x/page.tsx";
    expect(violations(page, 'import { hasRole } from "@/lib/auth/actor";\nconst a = hasRole(actor, "CASEWORKER");')).toEqual([
      "imports hasRole/assertRole",
      "names a role",
    ]);
    expect(violations("components/x.tsx", 'const official = roles.includes("OFFICIAL");')).toEqual(["reads roles (roles.includes …)", "names a role"]);
    expect(violations(page, "<Panel roles={actor.roles} />")).toEqual(["passes roles to a component"]);
    expect(violations(page, "const mine = c.requestedById === actor.userId;")).toEqual(["compares a record's maker with actor.userId"]);
    expect(
      violations(page, 'import { EVIDENCE_UPLOAD_STATUSES } from "@/lib/filing/rules";\nconst ok = EVIDENCE_UPLOAD_STATUSES.includes(file.status);'),
    ).toEqual(["decides with EVIDENCE_UPLOAD_STATUSES"]);
    // Who may open the page, a role label shown as data, and a comment are not decisions.
    expect(violations(page, 'import { SECTION_ROLES } from "@/lib/auth/navigation";\nconst actor = await requirePageActor(...SECTION_ROLES.archive);')).toEqual(
      [],
    );
    expect(violations(page, 'const actor = await requirePageActor("OFFICIAL", "AUDITOR");')).toEqual([]);
    expect(violations(page, '// officials ("OFFICIAL") approve\nconst x = canApproveBatch(actor, batch).ok;')).toEqual([]);
    expect(violations("components/users/create-user-form.tsx", 'defaultValues: { roles: ["CASEWORKER"] }')).toEqual([]);
  });
});
