import "server-only";
import { prisma } from "@/lib/db/client";
import type { TActor } from "@/lib/auth/actor";
import { NotFoundError } from "@/lib/errors/domain-error";

/**
 * The one place that knows what an actor may see: their organisation and its descendants.
 *
 * `scopedDb(actor)` is the Prisma client every page and domain function reads and writes
 * through. Reads and writes of a scoped model get the scope added to their `where`; creating a
 * scoped record checks that its organisation is in scope. A model added later joins the scope by
 * adding a line to SCOPE_BY_MODEL — nothing at the call sites can forget it.
 */
type TModelScope = {
  where: (orgPath: string) => Record<string, unknown>;
  /** The field naming the organisation a new record is created in, checked against the scope. */
  createdIn?: "organisationId" | "parentId";
};

const byOrganisation = (orgPath: string) => ({ organisation: { path: { startsWith: orgPath } } });
const byFile = (orgPath: string) => ({ file: byOrganisation(orgPath) });

export const SCOPE_BY_MODEL: Record<string, TModelScope> = {
  Organisation: { where: (orgPath) => ({ path: { startsWith: orgPath } }), createdIn: "parentId" },
  User: { where: byOrganisation, createdIn: "organisationId" },
  HouseholdFile: { where: byOrganisation, createdIn: "organisationId" },
  // A change request is seen by the sending union's subtree and, for a transfer, the receiving one's.
  ChangeRequest: {
    where: (orgPath) => ({ OR: [byOrganisation(orgPath), { targetOrganisation: { path: { startsWith: orgPath } } }] }),
    createdIn: "organisationId",
  },
  // Records of a household file, created only through a file found in scope.
  FilePerson: { where: byFile },
  FilingEvent: { where: byFile },
  PublicityObjection: { where: byFile },
  ObjectionResolution: { where: (orgPath) => ({ objection: byFile(orgPath) }) },
  EvidenceFile: { where: byFile },
  Recheck: { where: byFile },
  Visit: { where: byFile },
  PlanMeasure: { where: byFile },
  TierDecision: { where: byFile },
  // Assistance and the ledger: each row carries the organisation of its file, copied at creation.
  BankAccount: { where: byOrganisation, createdIn: "organisationId" },
  Disbursement: { where: byOrganisation, createdIn: "organisationId" },
  DisbursementBatch: { where: byOrganisation, createdIn: "organisationId" },
  BatchLine: { where: byOrganisation, createdIn: "organisationId" },
  LedgerEntry: { where: byOrganisation, createdIn: "organisationId" },
  // Derived from ledger_entry by trigger; read-only for the application.
  LedgerDailyTotal: { where: byOrganisation },
  // Derived from household_file by trigger (0013_scale); read-only for the application.
  HouseholdFileTally: { where: byOrganisation },
  // Audit rows are written by domain functions about records they already checked; only reads are scoped.
  AuditEvent: { where: byOrganisation },
  SignInAttempt: { where: (orgPath) => ({ user: byOrganisation(orgPath) }) },
};

/**
 * Models that belong to no organisation: policy everyone reads, and bookkeeping only infrastructure
 * touches. Any other model must be in SCOPE_BY_MODEL — scopedDb refuses a model in neither list,
 * so a new table cannot be read unscoped by accident (tests/unit/scope-coverage.test.ts).
 */
export const UNSCOPED_MODELS = new Set(["DibaoStandard", "PolicyParameter", "AidPolicy", "FileNumberCounter", "UserSession"]);

const FILTERED_OPERATIONS = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  "count",
  "aggregate",
  "groupBy",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "delete",
  "deleteMany",
]);
const CREATE_OPERATIONS = new Set(["create", "createMany", "createManyAndReturn", "upsert"]);

export function isPathInScope(actor: Pick<TActor, "organisation">, orgPath: string): boolean {
  return orgPath.startsWith(actor.organisation.path);
}

/** Throws NotFoundError unless the organisation exists and lies inside the actor's scope. */
export async function assertOrganisationInScope(actor: Pick<TActor, "organisation">, organisationId: string) {
  const org = await prisma.organisation.findUnique({ where: { id: organisationId }, select: { path: true } });
  if (!org || !isPathInScope(actor, org.path)) throw new NotFoundError("该组织不存在，或不在您的管辖范围内。");
}

function organisationIdsOf(args: { data?: unknown; create?: unknown }, field: "organisationId" | "parentId"): string[] {
  const rows = [args.data, args.create].flat().filter(Boolean) as Array<Record<string, unknown>>;
  return rows.map((row) => {
    const relation = field === "organisationId" ? row.organisation : row.parent;
    const id = (row[field] as string | undefined) ?? (relation as { connect?: { id?: string } } | undefined)?.connect?.id;
    if (!id) throw new NotFoundError("不能在管辖范围之外新建记录。");
    return id;
  });
}

export function scopedDb(actor: Pick<TActor, "organisation">) {
  const orgPath = actor.organisation.path;
  return prisma.$extends({
    name: "organisation-scope",
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          const scope = SCOPE_BY_MODEL[model];
          if (!scope) {
            if (UNSCOPED_MODELS.has(model)) return query(args);
            throw new Error(`model ${model} has no organisation scope: add it to SCOPE_BY_MODEL or UNSCOPED_MODELS`);
          }
          const a = args as { where?: Record<string, unknown>; data?: unknown; create?: unknown };
          if (FILTERED_OPERATIONS.has(operation) || operation === "upsert") {
            const existing = a.where?.AND;
            const and = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
            a.where = { ...a.where, AND: [...and, scope.where(orgPath)] };
          }
          if (CREATE_OPERATIONS.has(operation) && scope.createdIn) {
            for (const id of organisationIdsOf(a, scope.createdIn)) await assertOrganisationInScope(actor, id);
          }
          return query(args);
        },
      },
    },
  });
}

export type TScopedDb = ReturnType<typeof scopedDb>;

/** The transaction client of scopedDb(actor).$transaction — what domain helpers take as `tx`. */
export type TScopedTx = Parameters<Parameters<TScopedDb["$transaction"]>[0]>[0];

/**
 * The organisations a raw query may read: the actor's subtree, or the part of it under
 * `subtreeId` (NotFoundError if that organisation is not in scope). Raw SQL has no query
 * extension to add the scope, so every raw read of a scoped table filters on
 * `organisation_id = ANY(<these ids>)` — taken from here, never from the browser.
 */
export async function scopeOrganisationIds(actor: Pick<TActor, "organisation">, subtreeId?: string): Promise<string[]> {
  let path = actor.organisation.path;
  if (subtreeId) {
    const org = await prisma.organisation.findUnique({ where: { id: subtreeId }, select: { path: true } });
    if (!org || !isPathInScope(actor, org.path)) throw new NotFoundError("该组织不存在，或不在您的管辖范围内。");
    path = org.path;
  }
  const rows = await prisma.organisation.findMany({ where: { path: { startsWith: path } }, select: { id: true } });
  return rows.map((r) => r.id);
}
