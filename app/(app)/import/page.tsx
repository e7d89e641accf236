import Link from "next/link";
import { UploadImportForm } from "@/components/import/upload-import-form";
import { buttonClass } from "@/components/ui/button";
import { Badge, Card, EmptyState, PageHeader } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format/datetime";
import { findHouseholdImports } from "@/lib/import/find-imports";
import { IMPORT_MODE_LABELS, IMPORT_STATUS_LABELS } from "@/lib/import/labels";
import { IMPORT_UPLOAD_LIMIT } from "@/lib/uploads/limits";

export const metadata = { title: "档案导入" };

export default async function ImportPage() {
  const actor = await requirePageActor(...SECTION_ROLES.import);
  const imports = await findHouseholdImports(actor);
  return (
    <>
      <PageHeader
        title="从 Excel 导入档案"
        description="按模板填写户信息和家庭成员，上传后系统先校验全部行；没有任何问题时才能导入。导入的档案默认为草稿；按已在档档案迁入的批次须经导入人以外的工作人员批准。"
        actions={
          // eslint-disable-next-line @next/next/no-html-link-for-pages -- a workbook from a route handler: a download, not a page to navigate to
          <a href="/import/template" className={buttonClass("secondary")}>
            下载导入模板
          </a>
        }
      />
      <div className="space-y-6">
        <Card title="上传工作簿">
          <UploadImportForm limit={IMPORT_UPLOAD_LIMIT} />
        </Card>
        <Card title="导入记录">
          {imports.length === 0 ? (
            <EmptyState title="还没有导入记录" />
          ) : (
            <Table head={["批次", "文件", "方式", "上传人", "单位", "上传时间", "户数", "问题", "状态"]}>
              {imports.map((i) => (
                <tr key={i.id}>
                  <Td>{i.batchNumber}</Td>
                  <Td>
                    <Link href={`/import/${i.id}`} className="font-medium text-brand-700 hover:underline">
                      {i.fileName}
                    </Link>
                  </Td>
                  <Td className="whitespace-nowrap">{IMPORT_MODE_LABELS[i.mode]}</Td>
                  <Td>{i.createdBy.name}</Td>
                  <Td>{i.organisation.name}</Td>
                  <Td className="whitespace-nowrap">{formatDateTime(i.createdAt)}</Td>
                  <Td>{i.households.toLocaleString("zh-CN")}</Td>
                  <Td>{i.problemCount.toLocaleString("zh-CN")}</Td>
                  <Td>
                    <Badge
                      tone={i.status === "COMMITTED" ? "green" : i.status === "INVALID" || i.status === "FAILED" || i.status === "REJECTED" ? "red" : "amber"}
                    >
                      {IMPORT_STATUS_LABELS[i.status]}
                    </Badge>
                  </Td>
                </tr>
              ))}
            </Table>
          )}
        </Card>
      </div>
    </>
  );
}
