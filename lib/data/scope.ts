import "server-only";
import { prisma } from "@/lib/db/client";
import { noteWrite, readClientFor } from "@/lib/db/read-routing";
import type { TActor } from "@/lib/auth/actor";
import { NotFoundError } from "@/lib/errors/domain-error";
import { Prisma, type PrismaClient } from "@/lib/generated/prisma/client";
import { checkStatementScope, DECLARED_MARK, END_SCOPE_MARK, IN_SCOPE_MARK, UNSCOPED_MARK, type TStatementCheck } from "@/lib/db/statement-scope";

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
/** A record of a household file follows the file: it is in scope exactly when its file is, wherever the file moves. */
const byFile = (orgPath: string) => ({ file: byOrganisation(orgPath) });
const noPrismaAccess = (): never => {
  throw new Error("derived tables without an organisation relation are read through raw SQL only (lib/reports, lib/ledger)");
};

export const SCOPE_BY_MODEL: Record<string, TModelScope> = {
  Organisation: { where: (orgPath) => ({ path: { startsWith: orgPath } }), createdIn: "parentId" },
  User: { where: byOrganisation, createdIn: "organisationId" },
  HouseholdFile: { where: byOrganisation, createdIn: "organisationId" },
  // A change request follows its file; a transfer waiting for the receiving union is also seen by that union.
  ChangeRequest: {
    where: (orgPath) => ({ OR: [byFile(orgPath), { status: "AWAITING_RECEIVER", targetOrganisation: { path: { startsWith: orgPath } } }] }),
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
  // Assistance: accounts, requests and batch lines follow their file (a transfer also moves the
  // organisation_id of accounts and pending requests, and takes the file out of unapproved batches).
  BankAccount: { where: byFile, createdIn: "organisationId" },
  Disbursement: { where: byFile, createdIn: "organisationId" },
  DisbursementBatch: { where: byOrganisation, createdIn: "organisationId" },
  BatchLine: { where: byFile, createdIn: "organisationId" },
  // An entry keeps the organisation that paid it (a historical fact, append-only) and is seen both
  // by that organisation's subtree and by the file's current holder.
  LedgerEntry: { where: (orgPath) => ({ OR: [byOrganisation(orgPath), byFile(orgPath)] }), createdIn: "organisationId" },
  // Household import (台账导入): the upload belongs to the importer's organisation; staged rows follow it.
  HouseholdImport: { where: byOrganisation, createdIn: "organisationId" },
  HouseholdImportRow: { where: (orgPath) => ({ import: byOrganisation(orgPath) }) },
  // Civil-affairs comparison (民政比对): a run belongs to the uploader's organisation; its roster rows
  // and results follow the run (a result names a file, but it is the run's finding: who acts on
  // it needs the file in scope as well, which the domain functions check through the file).
  CivilRosterRun: { where: byOrganisation, createdIn: "organisationId" },
  CivilRosterRow: { where: (orgPath) => ({ run: byOrganisation(orgPath) }) },
  CivilComparisonResult: { where: (orgPath) => ({ run: byOrganisation(orgPath) }) },
  // Derived from ledger_entry by trigger, per paying organisation; read-only for the application.
  LedgerDailyTotal: { where: byOrganisation },
  // Derived from household_file by trigger (0013_scale); read-only for the application.
  HouseholdFileTally: { where: byOrganisation },
  // Report tables (trigger-maintained, no organisation relation): read only by lib/reports with raw
  // SQL that adds the scope itself, so any Prisma access fails closed.
  ReportOpenDelta: { where: noPrismaAccess },
  ReportOpenNow: { where: noPrismaAccess },
  ReportOpenMonth: { where: noPrismaAccess },
  ReportFileEvent: { where: noPrismaAccess },
  ReportLedgerDaily: { where: noPrismaAccess },
  ReportLedgerFilePeriod: { where: noPrismaAccess },
  ReportLedgerStudentPeriod: { where: noPrismaAccess },
  ReportLedgerCount: { where: noPrismaAccess },
  ReportLedgerFile: { where: noPrismaAccess },
  ReportLedgerStudent: { where: noPrismaAccess },
  ReportLedgerPending: { where: noPrismaAccess },
  ReportApprovalDaily: { where: noPrismaAccess },
  ReportRecheckDue: { where: noPrismaAccess },
  ReportLedgerMonthly: { where: noPrismaAccess },
  ReportRangePaidDaily: { where: noPrismaAccess },
  ReportRangePaidMonthly: { where: noPrismaAccess },
  ReportRangeRepeatMonthly: { where: noPrismaAccess },
  ReportRangeRepeatFirst: { where: noPrismaAccess },
  ReportRangeRepeatLast: { where: noPrismaAccess },
  ReportRangeReversalCell: { where: noPrismaAccess },
  // Derived from ledger_entry and household_file (0020): read by lib/ledger's raw SQL only.
  LedgerEntryElsewhere: { where: noPrismaAccess },
  // Audit rows are written by domain functions about records they already checked; only reads are scoped.
  AuditEvent: { where: byOrganisation },
  SignInAttempt: { where: (orgPath) => ({ user: byOrganisation(orgPath) }) },
  // Calendar jobs: work items follow their file; a spot check belongs to the union that ran it.
  WorkItem: { where: byFile },
  FileDisposal: { where: byFile },
  SpotCheck: { where: byOrganisation, createdIn: "organisationId" },
  SpotCheckRecord: { where: (orgPath) => ({ spotCheck: byOrganisation(orgPath) }) },
  // Background exports: made in the requester's organisation; lib/exports also narrows every read
  // and change to the requester's own jobs (another person's export is not found at all).
  ExportJob: { where: byOrganisation, createdIn: "organisationId" },
  // Allocations (资金下拨): a row is seen by the giving union's subtree and by the union it gives to.
  Allocation: { where: (orgPath) => ({ OR: [byOrganisation(orgPath), { recipient: { path: { startsWith: orgPath } } }] }), createdIn: "organisationId" },
  // Derived by trigger (0031_allocations); read-only for the application.
  AllocationBalance: { where: byOrganisation },
  // Derived by trigger (0065) per paying union, no organisation relation: read only by
  // lib/allocations with raw SQL that adds the scope itself, so any Prisma access fails closed.
  AllocationSpentDaily: { where: noPrismaAccess },
  AllocationSpentMonthly: { where: noPrismaAccess },
  // 资金对账's per-batch sums (0064, derived by trigger) follow their batch.
  BatchRecon: { where: (orgPath) => ({ batch: byOrganisation(orgPath) }) },
  // Bank return files (回盘) follow their batch, like its lines' outcomes.
  PaymentReturn: { where: (orgPath) => ({ batch: byOrganisation(orgPath) }) },
  // 代发汇总 (0037): a payment run belongs to its paying union; its return files follow it.
  PaymentRun: { where: byOrganisation, createdIn: "organisationId" },
  PaymentRunReturn: { where: (orgPath) => ({ run: byOrganisation(orgPath) }) },
  // A query code follows its file (issue 24); the public side reads it in lib/public, never scoped.
  FileQueryCode: { where: byFile },
  // Receipts and call-backs (issue 23): scans and samples follow their batch; a call follows the
  // household it is about, so the base union that holds the file sees and makes its calls.
  BatchReceiptScan: { where: (orgPath) => ({ batch: byOrganisation(orgPath) }) },
  CallbackSample: { where: (orgPath) => ({ batch: byOrganisation(orgPath) }) },
  CallbackCall: { where: byFile },
  // Issue 25: warnings and referrals follow their file.
  HardshipWarning: { where: byFile },
  Referral: { where: byFile },
  // A signal names files of possibly several unions: seen by anyone in scope of one of them.
  SuspectSignal: { where: (orgPath) => ({ files: { some: byFile(orgPath) } }) },
  SuspectSignalFile: { where: byFile },
  // Issue 24 §2: an online application waits in its base union's queue, scoped like a file; its
  // uploads follow it. The public side creates them in lib/public, never scoped.
  OnlineApplication: { where: byOrganisation, createdIn: "organisationId" },
  OnlineApplicationUpload: { where: (orgPath) => ({ application: byOrganisation(orgPath) }) },
};

/**
 * Models that belong to no organisation: policy everyone reads, and bookkeeping only infrastructure
 * touches. Any other model must be in SCOPE_BY_MODEL — scopedDb refuses a model in neither list,
 * so a new table cannot be read unscoped by accident (tests/unit/scope-coverage.test.ts).
 */
export const UNSCOPED_MODELS = new Set([
  "DibaoStandard",
  "PolicyParameter",
  "AidPolicy",
  "FileNumberCounter",
  "UserSession",
  "BackupRun",
  "FundAidRule",
  "CauseEvidenceRule",
  "CalendarDay",
  "JobRun",
  "BankLayout",
  "PublicAttempt",
  "WarningWatermark",
  "ReplicaWriteMark",
  // Which months report_open_month holds (0062): dates only, no organisation's data.
  "ReportOpenMonthDone",
]);

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
const READ_OPERATIONS = new Set(["findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany"]);
const CREATE_OPERATIONS = new Set(["create", "createMany", "createManyAndReturn", "upsert"]);
/** What a read client may serve: the reads of FILTERED_OPERATIONS (the rest of them write). */
const REPLICA_READ_OPERATIONS = new Set(["findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "count", "aggregate", "groupBy"]);
/** Raw text that may write: such a statement is a write of the actor's (and never sent to a replica). */
const WRITING_SQL = /\b(insert|update|delete|merge|truncate|call|copy|nextval|setval)\b/i;

export function isPathInScope(actor: Pick<TActor, "organisation">, orgPath: string): boolean {
  return orgPath.startsWith(actor.organisation.path);
}

/**
 * Organisation paths already read, by id. A path never changes (0001_foundation refuses a move),
 * so a remembered one is never stale. The check of a create runs on the pool, not on the caller's
 * transaction: inside a transaction a lookup is a second connection, and a burst of transactions
 * holding every connection waited for one another until the transaction timeout (issue 22 §6:
 * fifty draft saves, all 系统繁忙). Remembered, only the first create in an organisation needs it.
 * Bounded: a nation has fewer unions than this, and a full map simply starts over.
 */
const knownPaths = new Map<string, string>();
const KNOWN_PATHS_MAX = 200_000;

/** Throws NotFoundError unless the organisation exists and lies inside the actor's scope. */
export async function assertOrganisationInScope(actor: Pick<TActor, "organisation">, organisationId: string) {
  let orgPath = knownPaths.get(organisationId);
  if (orgPath === undefined) {
    const org = await prisma.organisation.findUnique({ where: { id: organisationId }, select: { path: true } });
    if (org) {
      if (knownPaths.size >= KNOWN_PATHS_MAX) knownPaths.clear();
      knownPaths.set(organisationId, org.path);
      orgPath = org.path;
    }
  }
  if (orgPath === undefined || !isPathInScope(actor, orgPath)) throw new NotFoundError("该组织不存在，或不在您的管辖范围内。");
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

// ───── Raw SQL ─────
// A raw statement sent through scopedDb must restrict every scoped table it reads with one of the
// fragments below (or declare, with unscopedSql, why it needs no restriction); scopedDb checks each
// statement before it is sent (lib/data/statement-scope.ts, decision 027) and refuses it otherwise.

/** The fragment's text: the mark names the column whose reference it covers; its own subquery is not checked. */
function scopeFragment(column: Prisma.Sql, test: Prisma.Sql): Prisma.Sql {
  const columnText = column.sql.replaceAll("*/", "");
  return Prisma.sql`${Prisma.raw(`${IN_SCOPE_MARK} ${columnText} */`)} (${test}) ${Prisma.raw(END_SCOPE_MARK)}`;
}

/**
 * `organisationId` (an SQL expression naming an organisation id) lies in the subtree of `orgPath`.
 * `= ANY (ARRAY(…))`, not `IN (SELECT …)`: the subtree is computed once (an InitPlan) and tested
 * on each row, where a semi-join would make the planner drive the query from the organisations
 * and sort every matching file instead of walking an index in page order.
 */
function orgInScopeSql(orgPath: string, organisationId: Prisma.Sql): Prisma.Sql {
  return scopeFragment(
    organisationId,
    Prisma.sql`${organisationId} = ANY (ARRAY(SELECT scope_o.id FROM organisation scope_o WHERE scope_o.path LIKE ${`${orgPath}%`}))`,
  );
}

/** `fileId` (an SQL expression naming a household file id) is a file held in the subtree of `orgPath`. */
function fileInScopeSql(orgPath: string, fileId: Prisma.Sql): Prisma.Sql {
  return scopeFragment(
    fileId,
    Prisma.sql`${fileId} IN (SELECT scope_f.id FROM household_file scope_f JOIN organisation scope_o ON scope_o.id = scope_f.organisation_id WHERE scope_o.path LIKE ${`${orgPath}%`})`,
  );
}

/** Declares a raw statement that reads or writes nothing of an organisation's; the reason is kept in the SQL text. */
export function unscopedSql(reason: string): Prisma.Sql {
  return Prisma.raw(`${UNSCOPED_MARK} ${reason.replaceAll("*/", "")} */`);
}

const RAW_OPERATIONS = new Set(["$queryRaw", "$executeRaw", "$queryRawUnsafe", "$executeRawUnsafe"]);

function assertRawStatementScoped(operation: string, args: unknown) {
  if (operation === "$queryRawUnsafe" || operation === "$executeRawUnsafe") {
    throw new Error(`${operation} is not available through scopedDb: use $queryRaw with $orgInScope/$fileInScope`);
  }
  const text = ((args as { strings?: readonly string[] }).strings ?? []).join("?");
  assertStatementScoped(text);
}

/**
 * Refuses a statement that reads a scoped table without restricting that table to the scope.
 * Statements are templates: the verdict is remembered by text (bounded, like knownPaths).
 */
const checkedStatements = new Map<string, TStatementCheck>();
export function assertStatementScoped(text: string) {
  let verdict = checkedStatements.get(text);
  if (verdict === undefined) {
    verdict = checkStatementScope(text);
    if (checkedStatements.size >= 5_000) checkedStatements.clear();
    checkedStatements.set(text, verdict);
  }
  if (!verdict.ok) {
    throw new Error(
      `raw SQL through scopedDb must restrict itself: it reads ${verdict.table} (${verdict.reference}) without a scope of its own — add $orgInScope/$fileInScope for it, or declare $scopeDeclared(names, reason) / unscopedSql(reason)`,
    );
  }
}

type TQueryParams = { __internalParams?: { transaction?: unknown } };

/** The client property of a model ("HouseholdFile" → "householdFile"). */
const clientKey = (model: string) => model.charAt(0).toLowerCase() + model.slice(1);

/**
 * `reads`: a client (the read replica) that serves this db's reads made outside a transaction —
 * model reads and raw statements that cannot write. Writes, and everything inside
 * `$transaction`, always go to the primary. Only scopedReadDb passes one. Every write, and every
 * statement inside a transaction, of the primary db marks the user as having written
 * (read-your-writes, lib/db/read-routing.ts).
 */
export function scopedDb(actor: Pick<TActor, "organisation"> & { userId?: string }, reads?: PrismaClient | null) {
  const readClient = reads ?? null;
  const key = `${actor.userId ?? ""}\u0000${actor.organisation.path}`;
  let byReads = scopedClients.get(key);
  if (!byReads) {
    if (scopedClients.size >= SCOPED_CLIENTS_MAX) scopedClients.clear();
    scopedClients.set(key, (byReads = new Map()));
  }
  let db = byReads.get(readClient);
  if (!db) byReads.set(readClient, (db = extendScoped(actor, readClient)));
  return db;
}

/**
 * The scoped client of a user in an organisation, made once per process: every $extends is a new
 * client whose model proxies and query-extension chain Prisma builds again on first use, about
 * 0.35 ms of CPU per model a request touches (issue 28, the web process's CPU per page). It was
 * kept per actor object, i.e. per request; what the client captures is only the organisation's
 * path (the scope) and the user's id (read-your-writes marks), so those two are the key, and a
 * user moved to another organisation gets a client of the new scope. Bounded like knownPaths:
 * a full map simply starts over.
 */
const scopedClients = new Map<string, Map<PrismaClient | null, ReturnType<typeof extendScoped>>>();
const SCOPED_CLIENTS_MAX = 500;

function extendScoped(actor: Pick<TActor, "organisation"> & { userId?: string }, readClient: PrismaClient | null) {
  const orgPath = actor.organisation.path;
  // A write through the read db is the bookkeeping of a read (an export's audit row), which the
  // reading pages do not show: it does not keep the user's reads on the primary.
  const wrote = readClient ? async () => {} : () => noteWrite(actor.userId);
  // After the statement a failed note must not hide what the statement did: it is logged.
  const wroteAfter = () => wrote().catch((error: unknown) => console.error("read-your-writes mark not stored", error));
  return prisma.$extends({
    name: "organisation-scope",
    client: {
      /** assertOrganisationInScope before a transaction, so no create inside it needs a second connection. */
      $assertOrganisationInScope: (organisationId: string) => assertOrganisationInScope(actor, organisationId),
      /** SQL fragment: the organisation id in `column` is in the actor's subtree. */
      $orgInScope: (column: Prisma.Sql) => orgInScopeSql(orgPath, column),
      /** SQL fragment: the household file id in `column` is a file the actor's subtree holds now. */
      $fileInScope: (column: Prisma.Sql) => fileInScopeSql(orgPath, column),
      /**
       * SQL comment: the references named (aliases, space-separated) in this part of the statement
       * are read across the scope on purpose, for the reason given; the statement check lets them
       * through (decision 027). Each use is a reviewed exception, kept in the SQL text.
       */
      $scopeDeclared: (names: string, reason: string) => Prisma.raw(`${DECLARED_MARK} ${names.replaceAll("*/", "")} — ${reason.replaceAll("*/", "")} */`),
    },
    query: {
      async $allOperations({ model, operation, args, query, ...rest }) {
        if (model || !RAW_OPERATIONS.has(operation)) return query(args);
        assertRawStatementScoped(operation, args);
        const inTransaction = Boolean((rest as TQueryParams).__internalParams?.transaction);
        const text = ((args as { strings?: readonly string[] }).strings ?? []).join("?");
        const writes = operation === "$executeRaw" || WRITING_SQL.test(text);
        if (writes || inTransaction) {
          // Noted before and after: a read racing this statement, and the window counted from its end.
          await wrote();
          try {
            return await query(args);
          } finally {
            await wroteAfter();
          }
        }
        if (readClient) return readClient.$queryRaw(args as Prisma.Sql);
        return query(args);
      },
      $allModels: {
        async $allOperations({ model, operation, args, query, ...rest }) {
          const scope = SCOPE_BY_MODEL[model];
          const inTransaction = Boolean((rest as TQueryParams).__internalParams?.transaction);
          const reading = REPLICA_READ_OPERATIONS.has(operation);
          const run = async (scopedArgs: typeof args) => {
            if (reading && !inTransaction) {
              if (!readClient) return query(scopedArgs);
              const delegate = (readClient as unknown as Record<string, Record<string, (a: unknown) => Promise<unknown>>>)[clientKey(model)]!;
              return delegate[operation]!(scopedArgs);
            }
            await wrote();
            try {
              return await query(scopedArgs);
            } finally {
              await wroteAfter();
            }
          };
          if (!scope) {
            if (UNSCOPED_MODELS.has(model)) return run(args);
            throw new Error(`model ${model} has no organisation scope: add it to SCOPE_BY_MODEL or UNSCOPED_MODELS`);
          }
          const a = args as { where?: Record<string, unknown>; data?: unknown; create?: unknown; relationLoadStrategy?: "join" | "query" };
          // Relations are loaded by one statement each unless a read asks for one joined statement
          // (relationLoadStrategy: "join", the hot pages): the behaviour every other read was written for.
          if (READ_OPERATIONS.has(operation)) a.relationLoadStrategy ??= "query";
          if (FILTERED_OPERATIONS.has(operation) || operation === "upsert") {
            const existing = a.where?.AND;
            const and = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
            a.where = { ...a.where, AND: [...and, scope.where(orgPath)] };
          }
          if (CREATE_OPERATIONS.has(operation) && scope.createdIn) {
            for (const id of organisationIdsOf(a, scope.createdIn)) await assertOrganisationInScope(actor, id);
          }
          return run(args);
        },
      },
    },
  });
}

/**
 * scopedDb for the pages that may read from the read replica — the archive, reports and exports
 * (lib/db/read-routing.ts): the same scope, its reads served by the replica when one is configured
 * and this user has no write the replica has not replayed yet; its writes (an export's audit row)
 * and its transactions on the primary. Without DATABASE_REPLICA_URL it is scopedDb(actor).
 */
export async function scopedReadDb(actor: Pick<TActor, "organisation" | "userId">): Promise<TScopedDb> {
  return scopedDb(actor, await readClientFor(actor.userId));
}

export type TScopedDb = ReturnType<typeof extendScoped>;

/** The transaction client of scopedDb(actor).$transaction — what domain helpers take as `tx`. */
export type TScopedTx = Parameters<Parameters<TScopedDb["$transaction"]>[0]>[0];

/**
 * The organisations a raw query may read: the actor's subtree, or the part of it under
 * `subtreeId` (NotFoundError if that organisation is not in scope). Raw SQL has no query
 * extension to add the scope, so every raw read of a scoped table filters on
 * `organisation_id = ANY(<these ids>)` — taken from here, never from the browser. With
 * `{ replica: true }` (the archive and its export) the tree is read where scopedReadDb reads.
 */
export async function scopeOrganisationIds(
  actor: Pick<TActor, "organisation"> & { userId?: string },
  subtreeId?: string,
  options: { replica?: boolean } = {},
): Promise<string[]> {
  const db = (options.replica ? await readClientFor(actor.userId) : null) ?? prisma;
  let path = actor.organisation.path;
  if (subtreeId) {
    const org = await db.organisation.findUnique({ where: { id: subtreeId }, select: { path: true } });
    if (!org || !isPathInScope(actor, org.path)) throw new NotFoundError("该组织不存在，或不在您的管辖范围内。");
    path = org.path;
  }
  const rows = await db.organisation.findMany({ where: { path: { startsWith: path } }, select: { id: true } });
  return rows.map((r) => r.id);
}
