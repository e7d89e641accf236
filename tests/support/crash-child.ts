// The "server" the crash tests kill: a real process that runs one domain function against the
// test's database with BANGFU_TEST_PAUSE_AT set, so it stops inside the function's transaction
// and prints BANGFU_PAUSED (lib/testing/pause-point.ts). Input comes as JSON in CRASH_INPUT.
//   node --import tsx --conditions=react-server tests/support/crash-child.ts
import { uploadEvidence } from "@/lib/evidence/evidence";
import { approveFiling } from "@/lib/filing/workflow";
import { commitHouseholdImport } from "@/lib/import/commit-import";
import { approveBatch } from "@/lib/ledger/batches";
import { startEmbeddedPostgres } from "@/lib/postgres/embedded";
import { actorFor } from "./factories";

const input = JSON.parse(process.env.CRASH_INPUT ?? "{}") as Record<string, string>;

switch (input.run) {
  case "batch-approve":
    await approveBatch(await actorFor(input.username!), { batchId: input.batchId!, expectedVersion: Number(input.expectedVersion) });
    break;
  case "filing-approve":
    await approveFiling(await actorFor(input.username!), {
      fileId: input.fileId!,
      expectedVersion: Number(input.expectedVersion),
      tier: "DEEP",
      note: undefined,
    });
    break;
  case "import-commit":
    await commitHouseholdImport(await actorFor(input.username!), input.importId!);
    break;
  case "evidence-upload": {
    const bytes = Buffer.from(`%PDF-1.7\n${"崩溃测试".repeat(500)}`);
    await uploadEvidence(await actorFor(input.username!), {
      fileId: input.fileId!,
      kind: "OTHER",
      file: new File([bytes], "补充材料.pdf", { type: "application/pdf" }),
    });
    break;
  }
  case "hold-database": {
    // As `npm start` does: owns the embedded PostgreSQL until it is killed.
    await startEmbeddedPostgres({ dataDir: input.dataDir!, port: Number(input.port), password: input.password!, database: "bangfu" });
    process.stdout.write("BANGFU_PAUSED hold-database\n");
    await new Promise(() => {});
    break;
  }
  default:
    throw new Error(`unknown run ${input.run}`);
}
process.stdout.write("BANGFU_FINISHED\n");
process.exit(0);
