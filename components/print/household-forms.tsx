import type { ReactNode } from "react";
import { describeMember } from "@/lib/filing/describe";
import { householdFigures } from "@/lib/filing/figures";
import { CAUSE_LABELS, FILE_LEVEL_LABELS, FILE_STATUS_LABELS, TIER_LABELS, WORKER_CATEGORY_LABELS } from "@/lib/labels/household-file";
import { CIVIL_CHECK_LABELS, EXPENDITURE_KIND_LABELS, HOUSING_LABELS, INCOME_SOURCE_LABELS, MEASURE_STATUS_LABELS } from "@/lib/filing/labels";
import { dateOnlyString, formatDate, todayInShanghai } from "@/lib/format/datetime";
import { AID_TYPE_LABELS, FUND_SOURCE_LABELS } from "@/lib/ledger/labels";
import { fenToYuanString } from "@/lib/money/money";
import { cutRows, ROWS_PER_SHEET } from "@/lib/print/household-sheets";
import type { TPrintableFile } from "@/lib/print/print-files";

// The five forms of the 户户清表册 for one household, in the order the rules list them.

const yuan = (fen: number | null | undefined) => (fen === null || fen === undefined ? "—" : fenToYuanString(fen));

function Head({ title, file, full }: { title: string; file: TPrintableFile["file"]; full: boolean }) {
  return (
    <>
      <h1>{title}</h1>
      <div className="meta">
        <span>建档单位：{file.organisation.name}</span>
        <span>档案编号：{file.fileNumber ?? "（未编号）"}</span>
        <span>打印日期：{todayInShanghai()}</span>
        <span>身份号码：{full ? "完整" : "已脱敏"}</span>
      </div>
    </>
  );
}

/** `nowrap`: the columns (by index) of names, ID numbers and dates, kept whole ("欧阳建军", "1985-03-15"). */
function Rows({ head, rows, empty, nowrap = [] }: { head: string[]; rows: ReactNode[][]; empty: string; nowrap?: number[] }) {
  return (
    <table>
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={head.length} className="empty">
              {empty}
            </td>
          </tr>
        ) : (
          rows.map((cells, i) => (
            <tr key={i}>
              {cells.map((c, j) => (
                <td key={j} className={nowrap.includes(j) ? "nowrap" : undefined}>
                  {c}
                </td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

function Signatures({ who }: { who: string[] }) {
  return (
    <div className="signatures">
      {who.map((w) => (
        <div key={w}>{w}（签字）：</div>
      ))}
      <div>日期：　　　年　　月　　日</div>
    </div>
  );
}

export function HouseholdForms({ printable }: { printable: TPrintableFile }) {
  const { file, ledger, followUp } = printable;
  const data = file.data;
  const figures = householdFigures(data);
  const members = data.members.map(describeMember);
  const holder = members[0];
  const perCapita = file.perCapitaMonthlyFen ?? Math.round((figures.annualIncomeFen - figures.annualRigidExpenditureFen) / 12 / figures.householdSize);
  const causes = [data.mainCause && `${CAUSE_LABELS[data.mainCause]}（主要）`, ...data.secondaryCauses.map((c) => CAUSE_LABELS[c])].filter(Boolean).join("、");
  const d = (value: Date | null | undefined) => (value ? formatDate(value) : "—");
  const totalFen = ledger.entries.reduce((n, e) => n + e.amountFen, 0);
  const measures = followUp.measures;
  const visits = followUp.visits;
  const memberSheets = cutRows(members, ROWS_PER_SHEET.members);
  const memberHead = ["序号", "姓名", "关系", "公民身份号码", "出生日期", "性别", "健康状况", "在学情况", "就业状况", "共同生活"];
  const memberRows = (rows: typeof members, from: number) =>
    rows.map((m, i) => [
      from + i + 1,
      m.name,
      m.relation,
      m.residentId,
      m.birthDate,
      m.sex,
      m.health,
      m.education,
      m.employment,
      m.livesInHousehold ? "是" : "否",
    ]);
  // Every sheet of this household, in order; numbered below as pages of this household only.
  const sheets: ReactNode[] = [];
  const sheet = (title: string, body: ReactNode) =>
    sheets.push(
      <>
        <Head title={title} file={file} full={printable.fullResidentIds} />
        {body}
      </>,
    );
  const continued = (title: string, part: number) => (part === 0 ? title : `${title}（续${part}）`);

  sheet(
    "困难职工档案表",
    <>
      <table>
        <tbody>
          <tr>
            <th>建档职工</th>
            <td>{holder?.name}</td>
            <th>公民身份号码</th>
            <td>{holder?.residentId}</td>
          </tr>
          <tr>
            <th>档案级别</th>
            <td>{file.fileLevel ? FILE_LEVEL_LABELS[file.fileLevel] : "—"}</td>
            <th>职工类别</th>
            <td>{file.workerCategory ? WORKER_CATEGORY_LABELS[file.workerCategory] : "—"}</td>
          </tr>
          <tr>
            <th>困难类别</th>
            <td>{file.tier ? TIER_LABELS[file.tier] : file.proposedTier ? `${TIER_LABELS[file.proposedTier]}（申报）` : "—"}</td>
            <th>档案状态</th>
            <td>{FILE_STATUS_LABELS[file.status]}</td>
          </tr>
          <tr>
            <th>建档日期</th>
            <td>{d(file.openedAt)}</td>
            <th>民政核对</th>
            <td>
              {file.civilCheckResult
                ? `${CIVIL_CHECK_LABELS[file.civilCheckResult]}（${file.civilCheckDate ? dateOnlyString(file.civilCheckDate) : "—"}）`
                : "—"}
            </td>
          </tr>
        </tbody>
      </table>

      <h2>一、家庭基本情况</h2>
      <table>
        <tbody>
          <tr>
            <th>住房情况</th>
            <td>{data.housing ? HOUSING_LABELS[data.housing] : "—"}</td>
            <th>工会会员</th>
            <td>{data.holderUnionMember ? "是" : "否"}</td>
            <th>共同生活人口</th>
            <td>{figures.householdSize} 人</td>
          </tr>
        </tbody>
      </table>
      <Rows head={memberHead} rows={memberRows(memberSheets[0]!, 0)} nowrap={[1, 3, 4]} empty="无" />
      {memberSheets.length > 1 && <p>家庭成员共 {members.length} 人，续表接后页。</p>}

      <h2>二、家庭收支</h2>
      <table>
        <tbody>
          <tr>
            <th>家庭年收入（元）</th>
            <td className="num">{yuan(figures.annualIncomeFen)}</td>
            <th>年刚性支出（元）</th>
            <td className="num">{yuan(figures.annualRigidExpenditureFen)}</td>
            <th>人均月收入（元）</th>
            <td className="num">{yuan(perCapita)}</td>
          </tr>
        </tbody>
      </table>

      <h2>三、致困原因</h2>
      <p>
        {causes || "—"}
        {data.suddenEvent ? `；突发事件：${data.suddenEventNote ?? ""}（损失或支出 ${yuan(data.suddenEventLossFen)} 元）` : ""}
      </p>

      <h2>四、困难需求与帮扶计划</h2>
      <p>
        {data.needs || "—"}；帮扶措施 {measures.length} 项（详见问题清单与帮扶建议）。
      </p>

      <h2>五、已享受政策和资金</h2>
      <p>
        共 {ledger.entries.length} 笔，合计 {yuan(totalFen)} 元（详见已享受帮扶政策资金记录表）。
      </p>

      <h2>六、结对帮扶</h2>
      <p>
        帮扶责任人：{file.responsibleCadre?.name ?? "—"}；联系人：{file.contactName ?? "—"}
        {file.contactPhone ? `（${file.contactPhone}）` : ""}；走访 {visits.length} 次。
      </p>

      <Signatures who={["申请人", "经办人", "审核人"]} />
    </>,
  );
  memberSheets.slice(1).forEach((rows, i) =>
    sheet(
      continued("困难职工档案表", i + 1),
      <>
        <p>建档职工：{holder?.name}　家庭成员（续）</p>
        <Rows head={memberHead} rows={memberRows(rows, (i + 1) * ROWS_PER_SHEET.members)} nowrap={[1, 3, 4]} empty="无" />
      </>,
    ),
  );

  sheet(
    "家庭收支调查表",
    <>
      <p>
        建档职工：{holder?.name}　共同生活人口：{figures.householdSize} 人
      </p>
      <h2>一、家庭月收入</h2>
      <Rows
        head={["收入来源", "月收入（元）", "年收入（元）"]}
        rows={data.incomes.map((i) => [
          i.source ? INCOME_SOURCE_LABELS[i.source] : "—",
          <span key="m" className="num">
            {yuan(i.monthlyFen)}
          </span>,
          <span key="y" className="num">
            {yuan((i.monthlyFen ?? 0) * 12)}
          </span>,
        ])}
        empty="无收入"
      />
      <h2>二、刚性支出</h2>
      <Rows
        head={["支出类别", "年支出（元）", "说明"]}
        rows={data.expenditures.map((e) => [
          e.kind ? EXPENDITURE_KIND_LABELS[e.kind] : "—",
          <span key="a" className="num">
            {yuan(e.annualFen)}
          </span>,
          e.note ?? "",
        ])}
        empty="无刚性支出"
      />
      <h2>三、测算</h2>
      <p>
        （家庭年收入 {yuan(figures.annualIncomeFen)} 元 − 年刚性支出 {yuan(figures.annualRigidExpenditureFen)} 元）÷ 12 ÷ {figures.householdSize} 人 =
        人均月收入 {yuan(perCapita)} 元
      </p>
      <Signatures who={["调查人", "被调查人"]} />
    </>,
  );

  const ledgerSheets = cutRows(ledger.entries, ROWS_PER_SHEET.ledger);
  ledgerSheets.forEach((rows, i) =>
    sheet(
      continued("已享受帮扶政策资金记录表", i),
      <>
        <p>
          建档职工：{holder?.name}　收款账户：{ledger.account ? `${ledger.account.bankName} ${ledger.account.masked}` : "未登记"}
        </p>
        <Rows
          head={["发放日期", "救助类型", "资金来源", "金额（元）", "用途", "备注"]}
          rows={rows.map((e) => [
            e.entryDate,
            AID_TYPE_LABELS[e.aidType],
            FUND_SOURCE_LABELS[e.fundSource],
            <span key="a" className="num">
              {yuan(e.amountFen)}
            </span>,
            e.purpose,
            e.isReversal ? `冲正：${e.reason ?? ""}` : e.reversed ? "已冲正" : "",
          ])}
          nowrap={[0]}
          empty="尚无帮扶资金记录"
        />
        {i === ledgerSheets.length - 1 ? (
          <>
            <p>合计：{yuan(totalFen)} 元</p>
            <Signatures who={["经办人", "审核人"]} />
          </>
        ) : (
          <p>续表接后页。</p>
        )}
      </>,
    ),
  );

  const visitSheets = cutRows(visits, ROWS_PER_SHEET.visits);
  visitSheets.forEach((rows, i) =>
    sheet(
      continued("结对帮扶记录表", i),
      <>
        <p>
          帮扶责任人：{file.responsibleCadre?.name ?? "—"}　联系人：{file.contactName ?? "—"}
          {file.contactPhone ? `（${file.contactPhone}）` : ""}
        </p>
        <Rows
          head={["走访日期", "走访人", "了解情况"]}
          rows={rows.map((v) => [dateOnlyString(v.visitDate), v.visitors, v.findings])}
          nowrap={[0]}
          empty="尚无走访记录"
        />
        {i === visitSheets.length - 1 ? <Signatures who={["帮扶责任人", "建档职工"]} /> : <p>续表接后页。</p>}
      </>,
    ),
  );

  const measureSheets = cutRows(measures, ROWS_PER_SHEET.measures);
  measureSheets.forEach((rows, i) =>
    sheet(
      continued("问题清单与帮扶建议", i),
      <>
        <p>困难需求：{data.needs || "—"}</p>
        <Rows
          head={["困难问题", "帮扶措施", "责任部门或责任人", "完成时限", "进展", "成效"]}
          rows={rows.map((m) => [m.need, m.measure, m.responsible, dateOnlyString(m.dueDate), MEASURE_STATUS_LABELS[m.status], m.outcome ?? ""])}
          nowrap={[3]}
          empty="尚未制定帮扶措施"
        />
        {i === measureSheets.length - 1 ? <Signatures who={["经办人", "审核人"]} /> : <p>续表接后页。</p>}
      </>,
    ),
  );

  const total = sheets.length;
  return (
    <article className="household" data-file={file.id}>
      {sheets.map((body, i) => (
        <section key={i} className="form">
          <div className="sheet-body">{body}</div>
          <p className="sheet-number" data-testid="sheet-number">
            第 {i + 1} 页 / 共 {total} 页
          </p>
        </section>
      ))}
    </article>
  );
}
