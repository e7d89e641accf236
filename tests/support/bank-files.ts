// Bank return files (回盘) as a bank writes them in the default layout's return form: a header row,
// one row per payment with the reference in 摘要, optionally a total row (合计); CSV in UTF-8 or GBK.
import iconv from "iconv-lite";

export type TReturnRowSpec = { reference: string; name: string; account: string; amount: string; result: string; reason?: string };

export const RETURN_HEADER = ["摘要", "收款人姓名", "收款账号", "金额", "处理结果", "失败原因"];

export function returnCsvText(rows: TReturnRowSpec[], options: { total?: string } = {}): string {
  const lines = [RETURN_HEADER.join(",")];
  for (const r of rows) lines.push([`${r.reference} 送温暖`, r.name, r.account, r.amount, r.result, r.reason ?? ""].join(","));
  if (options.total !== undefined) lines.push(["合计", "", "", options.total, "", ""].join(","));
  return lines.join("\r\n") + "\r\n";
}

export function returnCsvFile(rows: TReturnRowSpec[], options: { total?: string; encoding?: "utf8" | "gbk"; name?: string } = {}): File {
  const text = returnCsvText(rows, options);
  const bytes = options.encoding === "gbk" ? iconv.encode(text, "gbk") : Buffer.from(text, "utf8");
  return new File([new Uint8Array(bytes)], options.name ?? "回盘.csv", { type: "text/csv" });
}

/** Every payable line as the bank paid it ("成功"), except the ones given a failure reason by reference. */
export function bankAnswers(
  lines: Array<{ reference: string; name: string; account: string; amountFen: number }>,
  failures: Record<string, string> = {},
): TReturnRowSpec[] {
  return lines.map((l) => ({
    reference: l.reference,
    name: l.name,
    account: l.account,
    amount: (l.amountFen / 100).toFixed(2),
    result: failures[l.reference] ? "失败" : "成功",
    reason: failures[l.reference] ?? "",
  }));
}
