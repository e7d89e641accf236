import { notFound } from "next/navigation";
import { PrintButton } from "@/components/print/print-button";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { formatFen } from "@/lib/money/money";
import { findReceiptSheets } from "@/lib/payments/find-receipt-sheets";
import "../../receipts.css";

export const metadata = { title: "打印签收表" };

/** Yuan with grouping and no symbol, under a 金额（元） header: "1,500.00". */
const fenToYuanString = (fen: number) => formatFen(fen).replace("¥", "");

// 签收表 of a cash or goods batch, outside the application's layout: per base union, sheets of a
// fixed number of rows, each with its subtotal and 第 x 页 / 共 y 页 (cut by the server).
export default async function PrintReceiptsPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.batches);
  const { id } = await params;
  let data;
  try {
    data = await findReceiptSheets(actor, id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    if (error instanceof DomainError) return <p className="screen-only">{error.message}</p>;
    throw error;
  }
  const { batch, sheets, total } = data;
  const inKind = batch.method === "IN_KIND";
  return (
    <>
      <div className="screen-only">
        <PrintButton />
        <span>
          共 {total.lines} 户、{sheets.length} 页，合计 {formatFen(total.fen)}。请用 A4 纸打印，由领取人本人签字并填写领取日期。
        </span>
      </div>
      <main className="receipt-doc">
        {sheets.map((sheet) => (
          <section key={sheet.page} className="sheet" data-testid="receipt-sheet">
            <h1>{inKind ? "实物慰问签收表" : "现金发放签收表"}</h1>
            <div className="meta">
              <div>发放单位：{batch.organisationName}</div>
              <div>基层工会：{sheet.unionName}</div>
              <div>批次：{batch.name}</div>
              <div>发放日期：{batch.entryDate}</div>
              <div>用途：{batch.purpose}</div>
              <div>
                发放方式：{batch.methodLabel}
                {inKind && batch.goods ? `（${batch.goods}）` : ""}
              </div>
            </div>
            <table>
              <colgroup>
                <col style={{ width: "8%" }} />
                <col style={{ width: "14%" }} />
                <col style={{ width: "22%" }} />
                <col style={{ width: inKind ? "22%" : "14%" }} />
                <col style={{ width: inKind ? "18%" : "26%" }} />
                <col style={{ width: inKind ? "16%" : "16%" }} />
              </colgroup>
              <thead>
                <tr>
                  <th className="center">序号</th>
                  <th>姓名</th>
                  <th>身份证号</th>
                  <th className={inKind ? "" : "num"}>{inKind ? "实物" : "金额（元）"}</th>
                  <th>领取人签字</th>
                  <th>领取日期</th>
                </tr>
              </thead>
              <tbody>
                {sheet.rows.map((row) => (
                  <tr key={row.no}>
                    <td className="center">{row.no}</td>
                    <td>{row.holderName}</td>
                    <td>{row.residentId ?? ""}</td>
                    <td className={inKind ? "" : "num"}>
                      {inKind ? `${batch.goods ?? ""}（折合 ${fenToYuanString(row.amountFen)} 元）` : fenToYuanString(row.amountFen)}
                    </td>
                    <td />
                    <td />
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td colSpan={3}>本页小计：{sheet.rows.length} 户</td>
                  <td className={inKind ? "" : "num"}>{inKind ? `折合 ${fenToYuanString(sheet.pageFen)} 元` : fenToYuanString(sheet.pageFen)}</td>
                  <td colSpan={2} />
                </tr>
                {sheet.unionTotal && (
                  <tr>
                    <td colSpan={3}>
                      {sheet.unionName} 合计：{sheet.unionTotal.lines} 户
                    </td>
                    <td className={inKind ? "" : "num"}>
                      {inKind ? `折合 ${fenToYuanString(sheet.unionTotal.fen)} 元` : fenToYuanString(sheet.unionTotal.fen)}
                    </td>
                    <td colSpan={2} />
                  </tr>
                )}
              </tfoot>
            </table>
            <div className="footer">
              <span>发放人：</span>
              <span>监发人：</span>
              <span>
                第 {sheet.page} 页 / 共 {sheet.pages} 页
              </span>
            </div>
          </section>
        ))}
      </main>
    </>
  );
}
