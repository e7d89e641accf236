import Link from "next/link";
import { notFound } from "next/navigation";
import { RecordFindingButton } from "@/components/calendar/calendar-buttons";
import { Badge, Card, DetailItem, PageHeader } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { SPOT_CHECK_FINDING_LABELS } from "@/lib/calendar/labels";
import { getSpotCheck } from "@/lib/calendar/spot-checks";
import { isUuid } from "@/lib/data/ids";
import { NotFoundError } from "@/lib/errors/domain-error";
import { TIER_LABELS } from "@/lib/labels/household-file";
import { formatDateTime } from "@/lib/format/datetime";
import type { SpotCheckFinding } from "@/lib/generated/prisma/enums";

export const metadata = { title: "抽查记录" };

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

export default async function SpotCheckPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.spotChecks);
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const check = await getSpotCheck(actor, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  return (
    <>
      <PageHeader title={`${check.organisationName} ${check.year} 年度抽查`} description={`由${check.startedBy}于 ${formatDateTime(check.startedAt)} 启动。`} />
      <div className="space-y-6">
        <Card title="抽样与结果">
          <dl className="grid gap-4 sm:grid-cols-4">
            <DetailItem label="在档户数">{check.population}</DetailItem>
            <DetailItem label="抽查比例 / 户数">
              {percent(check.share)} / {check.records.length}
            </DetailItem>
            <DetailItem label="随机种子（可复现抽样）">{check.seed}</DetailItem>
            <DetailItem label="已登记">
              {check.recorded} / {check.records.length}
            </DetailItem>
            {(Object.keys(SPOT_CHECK_FINDING_LABELS) as SpotCheckFinding[]).map((k) => (
              <DetailItem key={k} label={SPOT_CHECK_FINDING_LABELS[k]}>
                {check.counts[k]}
              </DetailItem>
            ))}
            {check.rates && (
              <DetailItem label="错评率 / 错退率 / 漏退率">
                {percent(check.rates.wronglyFiled)} / {percent(check.rates.wronglyExited)} / {percent(check.rates.missedExit)}
              </DetailItem>
            )}
          </dl>
        </Card>
        <Card title="抽查名单">
          <Table head={["档号", "户主", "所属工会", "困难类别", "结论", "说明", "登记人", ""]}>
            {check.records.map((r) => (
              <tr key={r.id}>
                <Td>{r.file.fileNumber ?? "—"}</Td>
                <Td>
                  <Link className="text-brand-700 underline" href={`/files/${r.file.id}`}>
                    {r.file.holderName ?? "—"}
                  </Link>
                </Td>
                <Td>{r.file.organisation.name}</Td>
                <Td>{r.file.tier ? TIER_LABELS[r.file.tier] : "—"}</Td>
                <Td>
                  {r.finding ? (
                    <Badge tone={r.finding === "ACCURATE" ? "green" : "amber"}>{SPOT_CHECK_FINDING_LABELS[r.finding]}</Badge>
                  ) : (
                    <Badge>未登记</Badge>
                  )}
                </Td>
                <Td>{r.note ?? ""}</Td>
                <Td>{r.recordedBy?.name ?? ""}</Td>
                <Td>
                  <RecordFindingButton recordId={r.id} holderName={r.file.holderName ?? ""} recorded={r.finding !== null} />
                </Td>
              </tr>
            ))}
          </Table>
        </Card>
      </div>
    </>
  );
}
