import Link from "next/link";
import { BankLayoutForm } from "@/components/payments/bank-layout-form";
import { Badge, Card, PageHeader } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { DELIMITER_LABELS, LAYOUT_ENCODING_LABELS, LAYOUT_FORMAT_LABELS, type TBankLayoutFormValues } from "@/lib/payments/layout-schema";
import { listBankLayouts } from "@/lib/payments/layouts";

export const metadata = { title: "银行代发格式" };

const BLANK: TBankLayoutFormValues = {
  name: "",
  format: "DELIMITED",
  encoding: "GBK",
  delimiter: "|",
  headerRow: true,
  totalRow: true,
  columns: [
    { field: "SEQ", title: "序号" },
    { field: "NAME", title: "收款人姓名" },
    { field: "ACCOUNT", title: "收款账号" },
    { field: "BANK", title: "开户行" },
    { field: "AMOUNT", title: "金额" },
    { field: "ID_NUMBER", title: "证件号码" },
    { field: "MEMO", title: "摘要" },
  ],
  returnColumns: { reference: "摘要", name: "收款人姓名", account: "收款账号", amount: "金额", result: "处理结果", reason: "失败原因" },
  paidResults: "成功",
  isDefault: false,
};

export default async function BankLayoutsPage({ searchParams }: { searchParams: Promise<{ edit?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.bankLayouts);
  const { edit } = await searchParams;
  const layouts = await listBankLayouts(actor);
  const editing = layouts.find((l) => l.id === edit);
  const initial: TBankLayoutFormValues = editing
    ? {
        layoutId: editing.id,
        expectedVersion: editing.version,
        name: editing.name,
        format: editing.format,
        encoding: editing.encoding,
        delimiter: editing.delimiter ?? "",
        headerRow: editing.headerRow,
        totalRow: editing.totalRow,
        columns: editing.columns,
        returnColumns: editing.returnColumns,
        paidResults: editing.paidResults.join("，"),
        isDefault: editing.isDefault,
      }
    : BLANK;
  return (
    <>
      <PageHeader
        title="银行代发格式"
        description="各银行的代发文件格式和回盘格式。批次审批通过后，经办人按这里的格式下载代发文件、导入回盘。修改记入审计日志。"
      />
      <div className="space-y-6">
        <Card title="已有格式">
          <Table head={["名称", "文件", "列", ""]}>
            {layouts.map((l) => (
              <tr key={l.id}>
                <Td>
                  {l.name} {l.isDefault && <Badge tone="green">默认</Badge>}
                </Td>
                <Td>
                  {LAYOUT_FORMAT_LABELS[l.format]} · {LAYOUT_ENCODING_LABELS[l.encoding]}
                  {l.delimiter ? ` · ${DELIMITER_LABELS[l.delimiter]}` : ""}
                  {l.headerRow ? " · 含标题行" : ""}
                  {l.totalRow ? " · 含合计行" : ""}
                </Td>
                <Td className="text-xs">{l.columns.map((c) => c.title + (c.width ? `(${c.width})` : "")).join("、")}</Td>
                <Td>
                  <Link href={`/admin/bank-layouts?edit=${l.id}`} className="text-brand-700 hover:underline">
                    修改
                  </Link>
                </Td>
              </tr>
            ))}
          </Table>
        </Card>
        <Card
          title={editing ? `修改：${editing.name}` : "新增格式"}
          actions={
            editing ? (
              <Link href="/admin/bank-layouts" className="text-sm text-brand-700 hover:underline">
                改为新增
              </Link>
            ) : undefined
          }
        >
          <BankLayoutForm key={editing?.id ?? "new"} initial={initial} />
        </Card>
      </div>
    </>
  );
}
