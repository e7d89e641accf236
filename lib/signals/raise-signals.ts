import "server-only";
import { prisma } from "@/lib/db/client";

// 疑似重复与冒领: signals for auditors, raised by the daily calendar job incrementally. Shared bank
// account: the account numbers of accounts recorded since the watermark (bank_account_created_at_idx)
// are each looked up among the current accounts (bank_account_current_number_idx) — an index probe
// per new account, never a cross join of all accounts. A signal is one fact set (the number and the
// sorted files that hold it now): once resolved it comes back only if that set changes.

export const SIGNAL_WATERMARK = "suspect-signals";
const OVERLAP_MINUTES = 30;

export async function raiseSignals(today: string): Promise<Record<string, { created: number; closed: number }>> {
  const [{ upto }] = await prisma.$queryRaw<[{ upto: Date }]>`SELECT now() AS upto`;
  const mark = await prisma.warningWatermark.findUnique({ where: { name: SIGNAL_WATERMARK } });
  const from = mark ? new Date(mark.seenUntil.getTime() - OVERLAP_MINUTES * 60_000) : new Date(0);
  const created = await prisma.$executeRaw`
    WITH touched AS (
      SELECT DISTINCT account_number FROM bank_account WHERE created_at > ${from} AND created_at <= ${upto} AND superseded_at IS NULL
    ), groups AS (
      SELECT t.account_number, array_agg(DISTINCT b.file_id ORDER BY b.file_id) AS files
        FROM touched t JOIN bank_account b ON b.account_number = t.account_number AND b.superseded_at IS NULL
       GROUP BY t.account_number HAVING count(DISTINCT b.file_id) > 1
    ), ins AS (
      INSERT INTO suspect_signal (kind, subject, fingerprint, reason, raised_on)
      SELECT 'SHARED_ACCOUNT', g.account_number, array_to_string(g.files, ','),
             '银行账号 ' || left(g.account_number, 4) || '****' || right(g.account_number, 4) || ' 同时登记为 ' || cardinality(g.files) || ' 户档案的收款账户',
             ${today}::date
        FROM groups g
      ON CONFLICT DO NOTHING
      RETURNING id, subject, fingerprint
    )
    INSERT INTO suspect_signal_file (signal_id, file_id, detail)
    SELECT ins.id, b.file_id,
           jsonb_build_object('bankAccountId', b.id, 'bankName', b.bank_name, 'accountHolder', b.account_holder,
                              'recordedAt', b.created_at, 'organisationId', b.organisation_id)
      FROM ins JOIN bank_account b ON b.account_number = ins.subject AND b.superseded_at IS NULL
                                  AND b.file_id = ANY (string_to_array(ins.fingerprint, ',')::uuid[])`;
  await prisma.warningWatermark.upsert({ where: { name: SIGNAL_WATERMARK }, create: { name: SIGNAL_WATERMARK, seenUntil: upto }, update: { seenUntil: upto } });
  // Rows of signal files, one per file of each new signal: the signals are those rows' distinct signals.
  return {
    "疑似冒领：多户共用银行账户": { created, closed: 0 },
    "疑似重复：同名同出生日期不同身份号码": { created: await raiseSameNameBirth(today), closed: 0 },
    "疑似重复：不同工会在档户联系电话相同": { created: await raiseSharedPhone(today), closed: 0 },
    "疑似冒领：登记死亡后仍有发放": { created: await raisePaidAfterDeath(today), closed: 0 },
  };
}

// The other three rules are not incremental: each is one pass over a small partial index (the
// people of active files, the open files' phones) or starts from the few files with a death on
// record, and the unique fact key (kind, subject, fingerprint) makes a rerun raise nothing twice.
// Each returns how many signals it raised.

/**
 * Same name and birth date (digits 7–14 of the ID) under two or more ID numbers among the people of
 * active files (file_person.holds; index file_person_name_birth_idx). Fingerprint: the sorted
 * "ID@file" pairs, so a third ID or a person moving to another file is a new fact.
 */
async function raiseSameNameBirth(today: string): Promise<number> {
  const [{ n }] = await prisma.$queryRaw<[{ n: number }]>`
    WITH groups AS (
      SELECT name, substring(resident_id, 7, 8) AS birth, count(*)::int AS ids, count(DISTINCT file_id)::int AS files,
             array_agg(resident_id || '@' || file_id ORDER BY resident_id, file_id) AS people
        FROM file_person WHERE holds AND name IS NOT NULL
       GROUP BY name, substring(resident_id, 7, 8) HAVING count(*) > 1
    ), ins AS (
      INSERT INTO suspect_signal (kind, subject, fingerprint, reason, raised_on)
      SELECT 'SAME_NAME_BIRTH', g.name || ' ' || g.birth, array_to_string(g.people, ','),
             g.name || '（出生日期 ' || substring(g.birth, 1, 4) || '-' || substring(g.birth, 5, 2) || '-' || substring(g.birth, 7, 2) || '）以 '
               || g.ids || ' 个不同的公民身份号码登记在 ' || g.files || ' 户档案中',
             ${today}::date
        FROM groups g
      ON CONFLICT DO NOTHING
      RETURNING id, fingerprint
    ), rows AS (
      INSERT INTO suspect_signal_file (signal_id, file_id, detail)
      SELECT ins.id, p.file_id,
             jsonb_build_object('organisationId', min(f.organisation_id::text),
                                'people', jsonb_agg(jsonb_build_object('name', p.name, 'residentId', p.resident_id, 'isHolder', p.is_holder) ORDER BY p.resident_id))
        FROM ins CROSS JOIN LATERAL unnest(string_to_array(ins.fingerprint, ',')) AS k(pair)
        JOIN file_person p ON p.file_id = split_part(k.pair, '@', 2)::uuid AND p.resident_id = split_part(k.pair, '@', 1)
        JOIN household_file f ON f.id = p.file_id
       GROUP BY ins.id, p.file_id
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins)::int AS n, (SELECT count(*) FROM rows)::int AS r`;
  return n;
}

/**
 * The same contact phone (normalise_phone: its digits, a mobile's 86 dropped) on open files of two
 * or more unions (index household_file_open_phone_idx). Files of one union sharing a phone (a
 * community contact for several households) are not a signal. Fingerprint: the sorted file ids.
 */
async function raiseSharedPhone(today: string): Promise<number> {
  const [{ n }] = await prisma.$queryRaw<[{ n: number }]>`
    WITH groups AS (
      SELECT normalise_phone(contact_phone) AS phone, array_agg(id ORDER BY id) AS files, count(DISTINCT organisation_id)::int AS unions
        FROM household_file WHERE status = 'OPEN' AND contact_phone IS NOT NULL AND normalise_phone(contact_phone) IS NOT NULL
       GROUP BY normalise_phone(contact_phone) HAVING count(DISTINCT organisation_id) > 1
    ), ins AS (
      INSERT INTO suspect_signal (kind, subject, fingerprint, reason, raised_on)
      SELECT 'SHARED_PHONE', g.phone, array_to_string(g.files, ','),
             '联系电话 ' || left(g.phone, 3) || '****' || right(g.phone, 4) || ' 同时登记在 ' || g.unions || ' 个工会的 ' || cardinality(g.files) || ' 户在档档案中',
             ${today}::date
        FROM groups g
      ON CONFLICT DO NOTHING
      RETURNING id, fingerprint
    ), rows AS (
      INSERT INTO suspect_signal_file (signal_id, file_id, detail)
      SELECT ins.id, f.id, jsonb_build_object('organisationId', f.organisation_id, 'contactName', f.contact_name, 'contactPhone', f.contact_phone)
        FROM ins CROSS JOIN LATERAL unnest(string_to_array(ins.fingerprint, ',')::uuid[]) AS k(file_id)
        JOIN household_file f ON f.id = k.file_id
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins)::int AS n, (SELECT count(*) FROM rows)::int AS r`;
  return n;
}

/**
 * Ledger payments dated after the holder's death was recorded: an approved 注销 for 死亡 (the
 * request's day, China time) or a civil-affairs roster listing the holder as deceased (the upload
 * day); the earliest counts. A visit's 主要劳动力死亡 is not the payee's death and is not read. A
 * payment counts while it stands: reversals, and entries reversed since, are left out. Starts from
 * the files with a death on record (change_request_death_idx, civil_roster_row_deceased_idx), each
 * a probe of ledger_entry (file_id, …). Fingerprint: the sorted ids of the payments, so a later
 * payment is a new fact (and a new signal naming all of them).
 */
async function raisePaidAfterDeath(today: string): Promise<number> {
  const [{ n }] = await prisma.$queryRaw<[{ n: number }]>`
    WITH death AS (
      SELECT file_id, (requested_at AT TIME ZONE 'Asia/Shanghai')::date AS recorded_on, '注销退档（死亡）' AS source
        FROM change_request WHERE kind = 'EXIT' AND status = 'APPROVED' AND cancel_reason = 'DEATH'
      UNION ALL
      SELECT f.id, (run.created_at AT TIME ZONE 'Asia/Shanghai')::date, '民政比对名单（建档职工已死亡）'
        FROM civil_roster_row r JOIN civil_roster_run run ON run.id = r.run_id
        JOIN household_file f ON f.holder_resident_id = r.resident_id
       WHERE r.deceased
    ), first_death AS (
      SELECT DISTINCT ON (file_id) file_id, recorded_on, source FROM death ORDER BY file_id, recorded_on, source
    ), paid AS (
      SELECT d.file_id, d.recorded_on, d.source, array_agg(e.id ORDER BY e.id) AS entries, sum(e.amount_fen)::bigint AS total
        FROM first_death d JOIN ledger_entry e ON e.file_id = d.file_id AND e.entry_date > d.recorded_on AND e.amount_fen > 0
       WHERE NOT EXISTS (SELECT 1 FROM ledger_entry r WHERE r.reverses_entry_id = e.id)
       GROUP BY d.file_id, d.recorded_on, d.source
    ), ins AS (
      INSERT INTO suspect_signal (kind, subject, fingerprint, reason, raised_on)
      SELECT 'PAID_AFTER_DEATH', p.file_id::text, array_to_string(p.entries, ','),
             to_char(p.recorded_on, 'YYYY-MM-DD') || ' 登记建档职工死亡（' || p.source || '）后仍有 ' || cardinality(p.entries) || ' 笔发放，合计 '
               || to_char(p.total / 100.0, 'FM999,999,999,990.00') || ' 元',
             ${today}::date
        FROM paid p
      ON CONFLICT DO NOTHING
      RETURNING id, subject, fingerprint
    ), rows AS (
      INSERT INTO suspect_signal_file (signal_id, file_id, detail)
      SELECT ins.id, p.file_id,
             jsonb_build_object('organisationId', min(f.organisation_id::text), 'deathRecordedOn', min(p.recorded_on), 'deathSource', min(p.source),
                                'entries', jsonb_agg(jsonb_build_object('id', e.id, 'entryDate', e.entry_date, 'amountFen', e.amount_fen, 'purpose', e.purpose) ORDER BY e.entry_date, e.id))
        FROM ins JOIN paid p ON p.file_id = ins.subject::uuid
        JOIN household_file f ON f.id = p.file_id
        CROSS JOIN LATERAL unnest(string_to_array(ins.fingerprint, ',')::uuid[]) AS k(entry_id)
        JOIN ledger_entry e ON e.id = k.entry_id
       GROUP BY ins.id, p.file_id
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM ins)::int AS n, (SELECT count(*) FROM rows)::int AS r`;
  return n;
}
