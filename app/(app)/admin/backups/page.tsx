import { Alert, Badge, Card, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { BACKUP_STATUS_LABELS, BACKUP_TRIGGER_LABELS, formatBytes } from "@/lib/backup/labels";
import { backupSettings, findBackupRuns } from "@/lib/backup/find-backup-runs";
import { pageFrom } from "@/lib/data/pagination";
import { formatDateTime } from "@/lib/format/datetime";

export const metadata = { title: "数据备份" };

const STATUS_TONES = { SUCCEEDED: "green", FAILED: "red", INTERRUPTED: "amber" } as const;

export default async function BackupsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor(...SECTION_ROLES.backups);
  const params = await searchParams;
  const result = await findBackupRuns(actor, { page: pageFrom(params.page) });
  const settings = backupSettings();
  return (
    <>
      <PageHeader title="数据备份" description="内置数据库、证明材料和本机密钥的备份记录" />
      <div className="mb-6">
        <Card title="备份设置">
          {settings.embedded ? (
            <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
              <dt className="text-slate-500">每日自动备份</dt>
              <dd>
                {settings.enabled
                  ? `每天 ${settings.time}（北京时间），下次 ${formatDateTime(settings.nextAt)}`
                  : "已关闭（在服务器设置中关闭，见部署说明“数据备份与恢复”一节）"}
              </dd>
              <dt className="text-slate-500">保留份数</dt>
              <dd>最近 {settings.keep} 份，更早的自动删除（份数由系统运维人员在服务器设置中调整）</dd>
              <dt className="text-slate-500">备份存放</dt>
              <dd>服务器数据目录中的备份文件夹（位置见部署说明“数据备份与恢复”一节）</dd>
              <dt className="text-slate-500">手动备份与恢复</dt>
              <dd>由系统运维人员在服务器上执行（操作步骤见部署说明“数据备份与恢复”一节）；恢复前须先停止系统，恢复后当天之后录入的数据将不复存在。</dd>
            </dl>
          ) : (
            <Alert tone="info">
              本系统使用单位自己的数据库服务器，不做自动备份：请数据库管理员定期备份数据库，并另外备份证明材料目录（操作步骤见部署说明“数据备份与恢复”一节）。
            </Alert>
          )}
        </Card>
      </div>
      {result.rows.length === 0 ? (
        <EmptyState title="还没有备份记录">每日自动备份完成后，或系统运维人员手动备份后，会在这里列出。</EmptyState>
      ) : (
        <Table head={["开始时间", "方式", "结果", "备份文件", "大小", "数据", "说明"]}>
          {result.rows.map((run) => (
            <tr key={run.id}>
              <Td className="whitespace-nowrap">{formatDateTime(run.startedAt)}</Td>
              <Td className="whitespace-nowrap">{BACKUP_TRIGGER_LABELS[run.trigger]}</Td>
              <Td className="whitespace-nowrap">
                <Badge tone={STATUS_TONES[run.status]}>{BACKUP_STATUS_LABELS[run.status]}</Badge>
              </Td>
              <Td className="break-all font-mono text-xs">
                {run.fileName ?? "—"}
                {run.prunedAt && <span className="ml-1 font-sans text-slate-500">（已按保留策略删除）</span>}
              </Td>
              <Td className="whitespace-nowrap">{run.sizeBytes === null ? "—" : formatBytes(Number(run.sizeBytes))}</Td>
              <Td className="whitespace-nowrap">
                {run.tableRows === null ? "—" : `${Number(run.tableRows).toLocaleString("zh-CN")} 行，材料 ${run.evidenceFiles ?? 0} 个`}
              </Td>
              <Td className="max-w-md text-slate-600">{[run.error, ...run.warnings].filter(Boolean).join("；") || "—"}</Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination page={result.page} pageCount={result.pageCount} total={result.total} params={{}} />
    </>
  );
}
