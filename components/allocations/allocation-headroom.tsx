import Link from "next/link";
import { formatFen } from "@/lib/money/money";

/** The paying union's remaining allocation beside what an approval needs, before anyone approves it. */
export function AllocationHeadroom({
  organisationName,
  year,
  fundLabel,
  remainingFen,
  neededFen,
  what,
}: {
  organisationName: string;
  year: number;
  fundLabel: string;
  remainingFen: number;
  neededFen: number;
  what: string;
}) {
  const short = remainingFen < neededFen;
  return (
    <p
      data-testid="allocation-headroom"
      className={`rounded-md border px-3 py-2 text-sm ${short ? "border-red-200 bg-red-50 text-red-800" : "border-slate-200 bg-slate-50 text-slate-700"}`}
    >
      {organisationName} {year} 年“{fundLabel}”可用额度 <span className="font-semibold tabular-nums">{formatFen(remainingFen)}</span>，{what}{" "}
      <span className="font-semibold tabular-nums">{formatFen(neededFen)}</span>
      {short ? "：额度不足，审批将被拒绝，请先由上级下拨资金。" : `；审批后剩余 ${formatFen(remainingFen - neededFen)}。`}
      <Link href={`/allocations?year=${year}`} className="ml-2 text-brand-700 hover:underline">
        查看额度
      </Link>
    </p>
  );
}
