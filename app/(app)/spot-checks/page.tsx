import Link from "next/link";
import { StartSpotCheckButton } from "@/components/calendar/calendar-buttons";
import { Card, EmptyState, PageHeader } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { mayStartSpotCheck } from "@/lib/calendar/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { findSpotChecks } from "@/lib/calendar/spot-checks";
import { formatDateTime, todayInShanghai } from "@/lib/format/datetime";

export const metadata = { title: "年度抽查" };

export default async function SpotChecksPage() {
  const actor = await requirePageActor(...SECTION_ROLES.spotChecks);
  const checks = await findSpotChecks(actor);
  const year = Number(todayInShanghai().slice(0, 4));
  const starts = mayStartSpotCheck(actor).ok;
  const startedThisYear = checks.some((c) => c.year === year && c.organisationName === actor.organisation.name);
  return (
    <>
      <PageHeader
        title="年度抽查"
        description="每年抽查不少于规定比例的在档档案，逐户登记结论（准确、错评、错退、漏退、信息需更正），结论计入质量指标。"
        actions={
          starts && !startedThisYear ? (
            <StartSpotCheckButton organisationId={actor.organisation.id} organisationName={actor.organisation.name} year={year} />
          ) : undefined
        }
      />
      {checks.length === 0 ? (
        <EmptyState title="还没有抽查">{starts ? "点击右上角启动本年度抽查。" : "由审批人启动本年度抽查。"}</EmptyState>
      ) : (
        <Card>
          <Table head={["年度", "单位", "在档户数", "抽查户数", "已登记", "随机种子", "启动人", "启动时间"]}>
            {checks.map((c) => (
              <tr key={c.id}>
                <Td>
                  <Link className="text-brand-700 underline" href={`/spot-checks/${c.id}`}>
                    {c.year} 年度
                  </Link>
                </Td>
                <Td>{c.organisationName}</Td>
                <Td>{c.population}</Td>
                <Td>
                  {c.sampled}（{Math.round(c.share * 100)}%）
                </Td>
                <Td>
                  {c.recorded} / {c.sampled}
                </Td>
                <Td>{c.seed}</Td>
                <Td>{c.startedBy}</Td>
                <Td>{formatDateTime(c.startedAt)}</Td>
              </tr>
            ))}
          </Table>
        </Card>
      )}
    </>
  );
}
