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
              <dd>{settings.enabled ? `每天 ${settings.time}（北京时间），下次 ${formatDateTime(settings.nextAt)}` : "已关闭（BANGFU_BACKUP_SCHEDULE=off）"}</dd>
              <dt className="text-slate-500">保留份数</dt>
              <dd>最近 {settings.keep} 份（BANGFU_BACKUP_KEEP），更早的自动删除</dd>
              <dt className="text-slate-500">备份目录</dt>
              <dd className="break-all font-mono text-xs">{settings.folder}</dd>
              <dt className="text-slate-500">手动备份与恢复</dt>
              <dd>
                在服务器上运行 <code className="font-mono text-xs">npm run db:backup</code>；恢复时先停止系统，再运行{" "}
                <code className="font-mono text-xs">npm run db:restore 备份文件</code>。
              </dd>
            </dl>
          ) : (
            <Alert tone="info">
              本系统使用您自己的 PostgreSQL 服务器（DATABASE_URL），不做自动备份：请用该服务器同版本的 pg_dump 或 pg_basebackup 备份数据库，并另外备份证明材料目录。详见 README。
            </Alert>
          )}
        </Card>
      </div>
      {result.rows.length === 0 ? (
        <EmptyState title="还没有备份记录">每日备份完成后，或运行 npm run db:backup 后，会在这里列出。</EmptyState>
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
