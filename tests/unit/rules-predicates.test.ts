// The answers of lib/<feature>/rules.ts, written out: what a page shows beside a step it does not
// offer is the sentence the server refuses with (the integration tests see the same sentences from
// the domain functions: separation-of-duties, ledger, dynamic, import-open-files).
import { describe, expect, it } from "vitest";
import { shownRefusal } from "@/lib/auth/allowed";
import { canDecideChange, canReceiveTransfer } from "@/lib/dynamic/rules";
import { canCommitImport, canDecideImport } from "@/lib/import/rules";
import { canApproveBatch, canEditBatch, canApproveDisbursement, canRecordBankAccount, canReverseEntry } from "@/lib/ledger/rules";
import { canConfirmBatchReturn } from "@/lib/payments/rules";

const official = { roles: ["OFFICIAL" as const], userId: "u-official" };
const caseworker = { roles: ["CASEWORKER" as const], userId: "u-caseworker" };
const both = { roles: ["CASEWORKER" as const, "OFFICIAL" as const], userId: "u-both" };

describe("ledger rules", () => {
  const submitted = { status: "SUBMITTED" as const, createdById: "u-both", submittedById: "u-both" };
  it("lets another official approve a submitted batch, and tells its maker why not", () => {
    expect(canApproveBatch(official, submitted)).toEqual({ ok: true });
    expect(canApproveBatch(both, submitted)).toEqual({ ok: false, code: "MAKER_CHECKER", reason: "不能审批自己编制或提交的批次，请由其他审批人办理。" });
    expect(shownRefusal(canApproveBatch(caseworker, submitted))).toBeNull();
    expect(shownRefusal(canApproveBatch(official, { ...submitted, status: "APPROVED" }))).toBeNull();
  });
  it("edits a batch only as a caseworker while it is a draft", () => {
    expect(canEditBatch(caseworker, { status: "DRAFT" }).ok).toBe(true);
    expect(canEditBatch(caseworker, { status: "SUBMITTED" })).toEqual({ ok: false, code: "CONFLICT", reason: "批次当前为“待审批”，不能修改名单。" });
    expect(canEditBatch(official, { status: "DRAFT" }).ok).toBe(false);
  });
  it("keeps a disbursement's recorder from deciding it", () => {
    expect(canApproveDisbursement(both, { status: "PENDING", recordedById: "u-both" })).toEqual({
      ok: false,
      code: "MAKER_CHECKER",
      reason: "不能审批自己登记的发放，请由其他审批人办理。",
    });
    expect(canApproveDisbursement(official, { status: "PENDING", recordedById: "u-both" }).ok).toBe(true);
  });
  it("offers the household ledger's buttons as the domain functions allow", () => {
    expect(canRecordBankAccount(caseworker, { status: "DRAFT" })).toEqual({
      ok: false,
      code: "FILE_NOT_ELIGIBLE",
      reason: "只能为已提交或在档的档案登记银行账户。",
    });
    expect(canRecordBankAccount(caseworker, { status: "SUBMITTED" }).ok).toBe(true);
    expect(canReverseEntry(caseworker, { isReversal: false, reversed: true, reversalPending: false })).toEqual({
      ok: false,
      code: "ALREADY_REVERSED",
      reason: "该记录已经冲正，不能重复冲正。",
    });
  });
  it("confirms a return file only as an official who did not make the batch", () => {
    expect(canConfirmBatchReturn(caseworker, { createdById: "x", submittedById: "y" })).toEqual({
      ok: false,
      code: "FORBIDDEN",
      reason: "核对无误。请由审批人确认导入。",
    });
    expect(canConfirmBatchReturn(both, { createdById: "x", submittedById: "u-both" })).toEqual({
      ok: false,
      code: "MAKER_CHECKER",
      reason: "不能确认自己编制或提交的批次的回盘，请由其他审批人办理。",
    });
  });
});

describe("dynamic rules", () => {
  it("shows the proposer the server's own sentence (the follow-up section's wording had drifted)", () => {
    const own = canDecideChange(both, { status: "PENDING", requestedById: "u-both" });
    expect(shownRefusal(own)).toBe("不能审批自己提出的申请，请由其他审批人办理。");
    expect(canDecideChange(official, { status: "PENDING", requestedById: "u-both" }).ok).toBe(true);
    expect(shownRefusal(canDecideChange(official, { status: "APPROVED", requestedById: "u-both" }))).toBeNull();
    expect(shownRefusal(canReceiveTransfer(both, { status: "AWAITING_RECEIVER", requestedById: "u-both" }))).toBe("不能接收自己提出的转出申请。");
  });
});

describe("import rules", () => {
  const waiting = { mode: "OPEN", status: "AWAITING_APPROVAL", createdById: "u-caseworker" };
  it("tells who may decide a batch of existing files", () => {
    expect(canDecideImport(official, waiting).ok).toBe(true);
    expect(canDecideImport(caseworker, waiting)).toEqual({ ok: false, code: "FORBIDDEN", reason: "该批次等待工作人员审批。" });
    expect(canDecideImport({ ...both, userId: "u-caseworker" }, waiting, "驳回")).toEqual({
      ok: false,
      code: "MAKER_CHECKER",
      reason: "不能驳回自己上传的导入批次，请由其他工作人员审批。",
    });
  });
  it("lets only the importer confirm, and says so to anyone else", () => {
    expect(canCommitImport(caseworker, { status: "READY", createdById: "u-caseworker" }).ok).toBe(true);
    expect(shownRefusal(canCommitImport(official, { status: "READY", createdById: "u-caseworker" }))).toBe("只有上传该工作簿的经办人可以确认导入。");
    expect(shownRefusal(canCommitImport(caseworker, { status: "COMMITTED", createdById: "u-caseworker" }))).toBeNull();
  });
});
