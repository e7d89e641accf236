import { TIER_LABELS } from "@/lib/labels/household-file";
import type { TPublicityRow, TPublicityUnion } from "@/lib/public/find-publicity-notice";
import { PrintButton } from "./print-button";

const day = (date: string) => `${date.slice(0, 4)} 年 ${Number(date.slice(5, 7))} 月 ${Number(date.slice(8, 10))} 日`;

/**
 * The A4 公示 for a union's noticeboard (issue 24 §3): the same content as the public notice page —
 * masked names, base union, tier applied for, publicity dates — with the union's service phone and
 * each file's objection deadline (the last day of its publicity). Printed from the public page and
 * from the staff side (/print/publicity). Needs app/print/print.css.
 */
export function PublicityNotice({ union, today, rows, more }: { union: TPublicityUnion; today: string; rows: TPublicityRow[]; more: boolean }) {
  const lastDeadline = rows.reduce<string | null>((latest, r) => (!latest || r.publicityEnd > latest ? r.publicityEnd : latest), null);
  return (
    <>
      <div className="screen-only" style={{ flexWrap: "wrap" }}>
        <PrintButton />
        <span>A4 纸打印，张贴于公示栏。{more ? "名单超过 500 户，只打印前 500 户，请分单位打印。" : ""}</span>
      </div>
      <div className="print-doc">
        <section className="household publicity" data-testid="publicity-print">
          <h1>困难职工建档公示</h1>
          <div className="meta">
            <span>公示单位：{union.name}</span>
            <span>打印日期：{day(today)}</span>
          </div>
          <p>
            根据困难职工帮扶工作有关规定，经本人申请、入户核查，下列职工家庭拟建立困难职工档案，现予公示。公示期内，任何单位和个人如有异议，可在该户异议截止日（含当日）前，
            通过“职工服务—公示”网页提出，也可{union.servicePhone ? `致电 ${union.servicePhone} ` : "到所在工会"}反映；可以匿名，如需答复请留下联系方式。
          </p>
          {rows.length === 0 ? (
            <p className="empty">目前没有正在公示的建档申请。</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>序号</th>
                  <th>姓名</th>
                  <th>所在基层工会</th>
                  <th>申报困难类别</th>
                  <th>公示期</th>
                  <th>异议截止日</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={r.token}>
                    <td className="num">{i + 1}</td>
                    <td className="nowrap">{r.maskedName}</td>
                    <td>{r.baseUnion}</td>
                    <td className="nowrap">{r.tier ? TIER_LABELS[r.tier] : "—"}</td>
                    <td className="nowrap">
                      {r.publicityStart} 至 {r.publicityEnd}
                    </td>
                    <td className="nowrap">{r.publicityEnd}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p>为保护个人信息，公示只列姓名（部分隐去）、所在工会、申报类别和公示期，不公布身份证号码、住址、收入和帮扶金额。</p>
          <p>
            服务电话：{union.servicePhone ?? "请向所在工会询问"}
            {lastDeadline ? `；本公示所列各户异议最迟截止于 ${day(lastDeadline)}。` : "。"}
          </p>
          <p className="sign-off">
            {union.name}
            <br />
            {day(today)}
          </p>
        </section>
      </div>
    </>
  );
}
