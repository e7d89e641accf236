// Guards the auditors' signals beside the shared account (疑似重复与冒领, issue 25 §2): the same name
// and birth date under two ID numbers, the same phone on open files of two unions, payments after
// a recorded death. Each is raised by the daily run with the rows behind it; a union's auditor sees
// its own households and only a count of another union's (Tianshui, the attacker, never sees
// Lanzhou's, the victim's); a resolution is audited, once, and the signal stays away until its facts
// change. Households are written directly (the filing workflow has its own tests).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TActor } from "@/lib/auth/actor";
import { prisma } from "@/lib/db/client";
import type { SignalKind } from "@/lib/generated/prisma/enums";
import { addDays, todayInShanghai } from "@/lib/format/datetime";
import { raiseSignals } from "@/lib/signals/raise-signals";
import { findSignals, resolveSignal } from "@/lib/signals/resolve-signal";
import { actorFor, orgByCode, seedDemo } from "../support/factories";
import { insertApprovedPayment } from "../support/ledger-fixtures";
import { insertOpenFile } from "../support/open-file";
import { residentId } from "../support/resident-ids";

let sql: pg.Client;
let lzCaseworker: TActor;
let lzOfficial: TActor;
let tsCaseworker: TActor;
let tsOfficial: TActor;
let lzAuditor: TActor;
let tsAuditor: TActor;
let lzCounty: string;
let lzCity: string;
let tsCounty: string;
const today = todayInShanghai();

/** A one-person household whose holder has this name and birth date (and a fresh ID number). */
const holder = (name: string, birthDate: string, id = residentId({ birthDate })) =>
  ({
    members: [
      {
        name,
        relation: "SELF",
        residentId: id,
        birthDate,
        sex: "MALE",
        health: "CHRONIC_ILLNESS",
        disabilityGrade: "",
        education: "NOT_IN_SCHOOL",
        employment: "FLEXIBLE",
        livesInHousehold: true,
      },
    ],
  }) as const;

async function household(organisationId: string, name: string, birthDate: string, phone?: string) {
  const lz = organisationId !== tsCounty;
  const people = lz ? { caseworker: lzCaseworker, official: lzOfficial } : { caseworker: tsCaseworker, official: tsOfficial };
  const { fileId } = await insertOpenFile(sql, people, organisationId, holder(name, birthDate) as never);
  if (phone) await sql.query("UPDATE household_file SET contact_name = '社区联系人', contact_phone = $2 WHERE id = $1", [fileId, phone]);
  return fileId;
}

const open = async (actor: TActor, kind: SignalKind) => (await findSignals(actor, { status: "OPEN", kind }, 1)).rows;

beforeAll(async () => {
  await seedDemo();
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  lzCaseworker = await actorFor("lz_caseworker");
  lzOfficial = await actorFor("lz_official");
  tsCaseworker = await actorFor("ts_caseworker");
  tsOfficial = await actorFor("ts_official");
  lzAuditor = await actorFor("lz_auditor");
  tsAuditor = await actorFor("ts_auditor");
  lzCounty = (await orgByCode("GSLZCG")).id;
  lzCity = (await orgByCode("GSLZ")).id;
  tsCounty = (await orgByCode("GSTSQZ")).id;
});

afterAll(async () => {
  await sql.end();
});

describe("same name and birth date under two ID numbers", () => {
  it("raises one signal naming both households, each union seeing its own; resolved once, back only with a third ID", async () => {
    const lz = await household(lzCounty, "欧阳明远", "1975-02-14");
    const ts = await household(tsCounty, "欧阳明远", "1975-02-14");
    await household(lzCounty, "欧阳明远", "1975-02-15"); // another birth date: another person
    await household(tsCounty, "欧阳明达", "1975-02-14"); // another name
    await raiseSignals(today);
    await raiseSignals(today);

    const [signal, ...rest] = (await open(lzAuditor, "SAME_NAME_BIRTH")).filter((s) => s.reason.startsWith("欧阳明"));
    expect(rest).toEqual([]);
    expect(signal!.reason).toBe("欧阳明远（出生日期 1975-02-14）以 2 个不同的公民身份号码登记在 2 户档案中");
    expect(signal!.files.map((f) => f.file.id)).toEqual([lz]);
    expect(signal!.elsewhere).toBe(1);
    const lzPerson = (signal!.files[0]!.detail as { people: Array<{ name: string; isHolder: boolean }> }).people;
    expect(lzPerson).toMatchObject([{ name: "欧阳明远", isHolder: true }]);
    const tsView = (await open(tsAuditor, "SAME_NAME_BIRTH")).find((s) => s.id === signal!.id)!;
    expect(tsView.files.map((f) => f.file.id)).toEqual([ts]);

    await expect(resolveSignal(lzCaseworker, { signalId: signal!.id, expectedVersion: 1, status: "REASONABLE", note: "同名同生日" })).rejects.toThrow(
      "没有权限",
    );
    await resolveSignal(lzAuditor, { signalId: signal!.id, expectedVersion: 1, status: "REASONABLE", note: "经核实为两位不同的职工，同名同生日" });
    await expect(resolveSignal(tsAuditor, { signalId: signal!.id, expectedVersion: 1, status: "CORRECTED", note: "已纠正" })).rejects.toThrow("已被他人核查");
    expect(await prisma.auditEvent.count({ where: { action: "signal.resolve", entityId: signal!.id } })).toBe(1);

    await raiseSignals(today);
    expect((await open(lzAuditor, "SAME_NAME_BIRTH")).filter((s) => s.reason.startsWith("欧阳明"))).toEqual([]);
    // A third ID number with the same name and birth date is a new fact.
    await household(lzCity, "欧阳明远", "1975-02-14");
    await raiseSignals(today);
    expect((await open(lzAuditor, "SAME_NAME_BIRTH")).filter((s) => s.reason.startsWith("欧阳明")).map((s) => [s.reason, s.files.length, s.elsewhere])).toEqual(
      [["欧阳明远（出生日期 1975-02-14）以 3 个不同的公民身份号码登记在 3 户档案中", 2, 1]],
    );
  });
});

describe("the same phone on open files of two unions", () => {
  it("compares the phone's digits, ignores one union's households sharing a contact, and stays resolved until the files change", async () => {
    const lz = await household(lzCounty, "司马青云", "1969-07-01", "0931-8123 4567");
    const ts = await household(tsCounty, "上官白露", "1972-09-30", "093181234567");
    await household(lzCounty, "诸葛春华", "1966-01-21", "13900001111");
    await household(lzCounty, "慕容秋实", "1967-04-12", "+86 139 0000 1111"); // same union: not a signal
    await raiseSignals(today);

    const mine = (await open(lzAuditor, "SHARED_PHONE")).filter((s) => s.reason.includes("093****4567") || s.reason.includes("139****1111"));
    expect(mine.map((s) => s.reason)).toEqual(["联系电话 093****4567 同时登记在 2 个工会的 2 户在档档案中"]);
    expect(mine[0]!.files.map((f) => [f.file.id, (f.detail as { contactPhone: string }).contactPhone])).toEqual([[lz, "0931-8123 4567"]]);
    expect(mine[0]!.elsewhere).toBe(1);
    expect((await open(tsAuditor, "SHARED_PHONE")).find((s) => s.id === mine[0]!.id)!.files.map((f) => f.file.id)).toEqual([ts]);

    await resolveSignal(tsOfficial, { signalId: mine[0]!.id, expectedVersion: 1, status: "CORRECTED", note: "天水户联系电话登记错误，已更正" });
    await raiseSignals(today);
    expect((await open(lzAuditor, "SHARED_PHONE")).filter((s) => s.reason.includes("093****4567"))).toEqual([]);
    // A household of a third union takes the number: the set changes, a new signal.
    await household(lzCity, "东方晓", "1970-10-10", "0931 81234567");
    await raiseSignals(today);
    expect((await open(lzAuditor, "SHARED_PHONE")).filter((s) => s.reason.includes("093****4567")).map((s) => s.reason)).toEqual([
      "联系电话 093****4567 同时登记在 3 个工会的 3 户在档档案中",
    ]);
  });
});

describe("payments after a recorded death", () => {
  const pay = (fileId: string, organisationId: string, daysAgo: number, amountFen: number, purpose: string, reverses?: { entryId: string; reason: string }) =>
    insertApprovedPayment(sql, {
      fileId,
      organisationId,
      aidType: "LIVING",
      fundSource: "UNION_FUNDS",
      amountFen,
      purpose,
      reverses,
      entryDate: addDays(today, -daysAgo),
      recordedById: lzCaseworker.userId,
      approvedById: lzOfficial.userId,
    });
  // China days, as the run reads a death's day (Asia/Shanghai).
  const daysAgo = (n: number) => addDays(today, -n);

  it("lists the standing payments dated after an approved 注销 for 死亡 or a roster's death, and a later payment is a new fact", async () => {
    const dead = await household(lzCounty, "公孙长明", "1950-03-03");
    await pay(dead, lzCounty, 40, 50_000, "春节慰问金");
    await pay(dead, lzCounty, 20, 30_000, "生活救助（三月）");
    const reversed = await pay(dead, lzCounty, 10, 30_000, "生活救助（四月）");
    await pay(dead, lzCounty, 9, -30_000, "冲正", { entryId: reversed.entryId, reason: "死亡后停发" });
    await sql.query(
      `INSERT INTO change_request (file_id, organisation_id, kind, status, file_version, current_tier, exit_reason, cancel_reason, reason,
                                   requested_by_id, requested_at, decided_by_id, decided_at)
       VALUES ($1, $2, 'EXIT', 'APPROVED', 1, 'DEEP', 'CANCELLED', 'DEATH', '建档职工因病去世', $3, now() - interval '30 days', $4, now() - interval '29 days')`,
      [dead, lzCounty, lzCaseworker.userId, lzOfficial.userId],
    );
    // Tianshui: the roster lists the holder as deceased 15 days ago; one payment after it.
    const tsId = residentId({ birthDate: "1948-08-08" });
    const { fileId: tsDead } = await insertOpenFile(
      sql,
      { caseworker: tsCaseworker, official: tsOfficial },
      tsCounty,
      holder("皇甫秋水", "1948-08-08", tsId) as never,
    );
    await insertApprovedPayment(sql, {
      fileId: tsDead,
      organisationId: tsCounty,
      aidType: "LIVING",
      fundSource: "UNION_FUNDS",
      amountFen: 80_000,
      purpose: "临时救助",
      entryDate: daysAgo(5),
      recordedById: tsCaseworker.userId,
      approvedById: tsOfficial.userId,
    });
    const {
      rows: [run],
    } = await sql.query<{ id: string }>(
      `INSERT INTO civil_roster_run (organisation_id, created_by_id, created_at, file_name, size_bytes, sha256, workbook, policy_date, row_count)
       VALUES ($1, $2, now() - interval '15 days', '民政名单.xlsx', 1, encode(sha256(random()::text::bytea), 'hex'), '\\x00', current_date, 1) RETURNING id`,
      [tsCounty, tsOfficial.userId],
    );
    await sql.query(
      `INSERT INTO civil_roster_row (run_id, resident_id, sheet_row, name, on_dibao, has_vehicle, has_property, deceased, union_member)
       VALUES ($1, $2, 2, '皇甫秋水', false, false, false, true, true)`,
      [run!.id, tsId],
    );
    await raiseSignals(today);

    const lzSignals = await open(lzAuditor, "PAID_AFTER_DEATH");
    const mine = lzSignals.filter((s) => s.files.some((f) => f.file.id === dead));
    expect(mine.map((s) => s.reason)).toEqual([`${daysAgo(30)} 登记建档职工死亡（注销退档（死亡））后仍有 1 笔发放，合计 300.00 元`]);
    expect((mine[0]!.files[0]!.detail as { entries: Array<{ entryDate: string; amountFen: number; purpose: string }> }).entries).toEqual([
      { id: expect.any(String), entryDate: daysAgo(20), amountFen: 30_000, purpose: "生活救助（三月）" },
    ]);
    // Scope: Lanzhou's auditor does not see Tianshui's household, and Tianshui's not Lanzhou's.
    expect(lzSignals.some((s) => s.reason.includes("民政比对名单"))).toBe(false);
    const tsSignals = await open(tsAuditor, "PAID_AFTER_DEATH");
    expect(tsSignals.map((s) => s.reason)).toEqual([`${daysAgo(15)} 登记建档职工死亡（民政比对名单（建档职工已死亡））后仍有 1 笔发放，合计 800.00 元`]);
    await expect(resolveSignal(tsAuditor, { signalId: mine[0]!.id, expectedVersion: 1, status: "REASONABLE", note: "x" })).rejects.toThrow(
      "不在您的管辖范围内",
    );

    await resolveSignal(lzAuditor, { signalId: mine[0]!.id, expectedVersion: 1, status: "CORRECTED", note: "已追回三月生活救助 300 元" });
    expect(
      await prisma.auditEvent.findFirst({ where: { action: "signal.resolve", entityId: mine[0]!.id }, select: { actorId: true, organisationId: true } }),
    ).toEqual({ actorId: lzAuditor.userId, organisationId: lzCounty });
    await raiseSignals(today);
    expect((await open(lzAuditor, "PAID_AFTER_DEATH")).filter((s) => s.files.some((f) => f.file.id === dead))).toEqual([]);
    // Another payment after the death: a new signal naming both.
    await pay(dead, lzCounty, 2, 30_000, "生活救助（五月）");
    await raiseSignals(today);
    expect((await open(lzAuditor, "PAID_AFTER_DEATH")).filter((s) => s.files.some((f) => f.file.id === dead)).map((s) => s.reason)).toEqual([
      `${daysAgo(30)} 登记建档职工死亡（注销退档（死亡））后仍有 2 笔发放，合计 600.00 元`,
    ]);
  });
});
