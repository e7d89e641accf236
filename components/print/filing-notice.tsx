"use client";

import { useEffect, useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { issueQueryCodeAction } from "@/lib/notice/actions";

type TNotice = {
  fileId: string;
  fileNumber: string;
  holderName: string;
  tierLabel: string;
  approvedOn: string | null;
  nextCheckDue: string | null;
  observationUntil: string | null;
  unionName: string;
  cadreName: string | null;
  servicePhone: string | null;
  recheckMonths: number;
  observationMonths: number;
  liveCodeIssuedAt: string | null;
};

const month = (date: string | null) => (date ? `${date.slice(0, 4)} 年 ${Number(date.slice(5, 7))} 月` : "—");

/**
 * The 建档告知书 and its one chance to show a query code: 生成查询码并打印 asks the server for a
 * new code (ending the old), puts it on the page and opens the print dialog. Leaving the page
 * forgets it; nobody can read it back.
 */
export function FilingNotice({ notice, refusal, canIssue }: { notice: TNotice; refusal: string | null; canIssue: boolean }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [code, setCode] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    if (code) window.print();
  }, [code]);

  const issue = () =>
    startTransition(async () => {
      const result = await issueQueryCodeAction({ fileId: notice.fileId });
      if (!result.ok) {
        setError(result.error);
        return;
      }
      dialog.current?.close();
      setError(null);
      setCode(result.data.code);
    });

  return (
    <>
      <div className="screen-only" style={{ flexWrap: "wrap" }}>
        {refusal ? (
          <span role="alert">{refusal}</span>
        ) : !canIssue ? (
          <span>查询码只能由帮扶干部生成。</span>
        ) : code ? (
          <>
            <Button onClick={() => window.print()}>再次打印</Button>
            <span>查询码只在本页显示这一次，离开本页后无法再查看。</span>
          </>
        ) : (
          <>
            <Button onClick={() => (notice.liveCodeIssuedAt ? dialog.current?.showModal() : issue())} disabled={pending}>
              {pending ? "正在生成…" : "生成查询码并打印"}
            </Button>
            <span>
              {notice.liveCodeIssuedAt ? `已于 ${notice.liveCodeIssuedAt} 生成过查询码；重新生成后原查询码立即失效。` : "A4 纸打印，交建档职工本人保存。"}
            </span>
          </>
        )}
        {error && (
          <span role="alert" style={{ color: "#b91c1c" }}>
            {error}
          </span>
        )}
      </div>
      <dialog ref={dialog} className="m-auto w-full max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40">
        <div className="p-6 font-sans">
          <h2 className="text-base font-semibold">重新生成查询码？</h2>
          <p className="mt-2 text-sm text-slate-600">该档案已有查询码。重新生成后，原建档告知书上的查询码立即失效，职工须使用新的告知书查询。</p>
          {error && (
            <p role="alert" className="mt-2 text-sm text-red-700">
              {error}
            </p>
          )}
          <div className="mt-4 flex justify-end gap-2">
            <Button variant="secondary" onClick={() => dialog.current?.close()}>
              取消
            </Button>
            <Button onClick={issue} disabled={pending}>
              {pending ? "正在生成…" : "重新生成并打印"}
            </Button>
          </div>
        </div>
      </dialog>
      <main className="print-doc">
        <section className="household notice" data-testid="filing-notice">
          <h1>困难职工建档告知书</h1>
          <div className="meta">
            <span>档案编号：{notice.fileNumber}</span>
            <span>建档日期：{notice.approvedOn ?? "—"}</span>
          </div>
          <p>{notice.holderName}：</p>
          <p style={{ textIndent: "2em" }}>
            经审核、公示和审批，您的家庭已纳入{notice.unionName}困难职工档案管理，困难类别为<strong>{notice.tierLabel}</strong>。现将有关事项告知如下：
          </p>
          <table>
            <tbody>
              <tr>
                <th>建档工会</th>
                <td>{notice.unionName}</td>
              </tr>
              <tr>
                <th>档案编号</th>
                <td>{notice.fileNumber}</td>
              </tr>
              <tr>
                <th>困难类别</th>
                <td>{notice.tierLabel}</td>
              </tr>
              <tr>
                <th>帮扶责任人</th>
                <td>{notice.cadreName ?? "工会将另行告知"}</td>
              </tr>
              <tr>
                <th>工会服务电话</th>
                <td>{notice.servicePhone ?? "请向所在工会咨询"}</td>
              </tr>
            </tbody>
          </table>
          <h2>今后的安排</h2>
          <ol>
            <li>
              工会每 {notice.recheckMonths} 个月对在档家庭复核一次，{notice.nextCheckDue ? `下次复核在 ${month(notice.nextCheckDue)}` : "复核时间另行通知"}
              ；家庭人口、收入、支出或就业发生变化，请及时告知帮扶责任人。
            </li>
            <li>
              家庭收入持续高于困难标准的，经复核后退档；脱困退档后还有 {notice.observationMonths} 个月渐退期，期间继续走访跟踪，如再次陷入困难可快速恢复。
              {notice.observationUntil ? `您的渐退期至 ${notice.observationUntil}。` : ""}
            </li>
            <li>帮扶资金按规定发放到建档职工本人的银行账户，不收取任何费用。任何人以建档、发放为由索要钱财，请拨打工会服务电话反映。</li>
          </ol>
          <h2>本人查询</h2>
          <p>
            在手机上打开本系统的“职工服务 · 本人查询”页面（网址
            /public/query），填写建档职工本人姓名、身份证号码和下面的查询码，即可查询档案状态、帮扶责任人、下次复核月份和近 24 个月的帮扶资金发放情况。
          </p>
          <p className="query-code" data-testid="query-code">
            查询码：<strong>{code ?? "（生成后显示）"}</strong>
          </p>
          <p className="empty">查询码请妥善保管，不要告诉他人。遗失或泄露时，请到工会重新打印本告知书，原查询码随即失效。</p>
          <div className="signatures">
            <div>{notice.unionName}（盖章）</div>
            <div>日期：</div>
          </div>
        </section>
      </main>
    </>
  );
}
