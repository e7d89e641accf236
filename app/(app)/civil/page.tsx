import Link from "next/link";
import { UploadRosterForm } from "@/components/civil/upload-roster-form";
import { buttonClass } from "@/components/ui/button";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { mayCompareRosters } from "@/lib/civil/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { ROSTER_UPLOAD_LIMIT } from "@/lib/uploads/limits";
import { findRosterRuns } from "@/lib/civil/find-runs";
import { pageFrom } from "@/lib/data/pagination";
import { formatDateTime } from "@/lib/format/datetime";
import { CIVIL_RUN_STATUS_LABELS } from "@/lib/civil/roster-columns";

export const metadata = { title: "民政比对" };

export default async function CivilPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor(...SECTION_ROLES.civil);
  const params = await searchParams;
  const runs = await findRosterRuns(actor, { page: pageFrom(params.page) });
  const mayUpload = mayCompareRosters(actor).ok;
  const n = (v: number) => v.toLocaleString("zh-CN");
  return (
    <>
      <PageHeader
        title="民政比对"
        description="上传民政部门提供的低保、收入、车辆房产和死亡数据名单，按公民身份号码与本单位及下级单位在档、渐退期档案的全部家庭成员比对，逐户列出不符情况。"
        actions={
          // eslint-disable-next-line @next/next/no-html-link-for-pages -- a workbook from a route handler: a download, not a page to navigate to
          <a href="/civil/template" className={buttonClass("secondary")}>
            下载名单模板
          </a>
        }
      />
      <div className="space-y-6">
        {mayUpload && (
          <Card title="上传名单并比对">
            <UploadRosterForm limit={ROSTER_UPLOAD_LIMIT} />
          </Card>
        )}
        <Card title="比对记录">
          {runs.rows.length === 0 ? (
            <EmptyState title="还没有比对记录">{mayUpload ? "下载名单模板，按民政部门数据填写后上传。" : null}</EmptyState>
          ) : (
            <>
              <Table head={["名单文件", "状态", "上传人", "单位", "上传时间", "名单人数", "匹配成员", "匹配档案", "不符条数"]}>
                {runs.rows.map((r) => (
                  <tr key={r.id}>
                    <Td>
                      <Link href={`/civil/${r.id}`} className="font-medium text-brand-700 hover:underline">
                        {r.fileName}
                      </Link>
                    </Td>
                    <Td className="whitespace-nowrap">
                      <Badge tone={r.status === "DONE" ? "green" : r.status === "INVALID" || r.status === "FAILED" ? "red" : "amber"}>
                        {CIVIL_RUN_STATUS_LABELS[r.status]}
                      </Badge>
                    </Td>
                    <Td>{r.createdBy.name}</Td>
                    <Td>{r.organisation.name}</Td>
                    <Td className="whitespace-nowrap">{formatDateTime(r.createdAt)}</Td>
                    {/* Counts exist once the comparison is done; before that they would read as zero mismatches. */}
                    <Td>{r.status === "DONE" ? n(r.rowCount) : "—"}</Td>
                    <Td>{r.status === "DONE" ? n(r.matchedPeople) : "—"}</Td>
                    <Td>{r.status === "DONE" ? n(r.matchedFiles) : "—"}</Td>
                    <Td>{r.status === "DONE" ? n(r.resultCount) : "—"}</Td>
                  </tr>
                ))}
              </Table>
              <Pagination page={runs.page} pageCount={runs.pageCount} total={runs.total} params={{}} />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
