import { CalendarWarning } from "@/components/calendar/calendar-coverage-card";
import { AddPolicyRow } from "@/components/policy/add-policy-row";
import { Select } from "@/components/ui/field";
import { Alert, Badge, Card, PageHeader } from "@/components/ui/page";
import { SearchForm } from "@/components/ui/search-form";
import { Table, Td } from "@/components/ui/table";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { findCalendarCoverage } from "@/lib/calendar/find-calendar-coverage";
import { POLICY_KIND_LABELS, type TPolicyKind } from "@/lib/policy/catalogue";
import { findPolicyOverview } from "@/lib/policy/find-policy";

export const metadata = { title: "政策参数" };

const STATE_TONE = { 在执行: "green", 待执行: "sky", 已结束: "slate" } as const;
const KINDS = Object.keys(POLICY_KIND_LABELS) as TPolicyKind[];

export default async function PolicyPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor(...SECTION_ROLES.policy);
  const params = await searchParams;
  const [overview, calendar] = await Promise.all([findPolicyOverview(actor, { regionCode: params.region }), findCalendarCoverage(actor)]);
  return (
    <>
      <PageHeader
        title="政策参数"
        description="各项标准按地区和生效日期执行：本地区没有单独规定的，依次沿用市、省和全国的标准。调整政策即新增一条从今天或以后生效的记录，已执行的记录不能更改。"
      />
      {calendar.uncovered.length > 0 && (
        <div className="mb-4">
          <CalendarWarning coverage={calendar} link />
        </div>
      )}
      <SearchForm>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">地区</span>
          <Select name="region" defaultValue={overview.regionCode}>
            {overview.regions.map((r) => (
              <option key={r.code} value={r.code}>
                {r.label}
              </option>
            ))}
          </Select>
        </label>
      </SearchForm>
      {!overview.canEdit && (
        <div className="mb-4">
          <Alert tone="info">您只能查看{overview.regionLabel}的政策；只能调整本地区及下辖地区的政策参数。</Alert>
        </div>
      )}
      <div className="space-y-6">
        {KINDS.map((kind) => {
          const section = overview.sections[kind];
          return (
            <Card
              key={kind}
              title={`${POLICY_KIND_LABELS[kind]}（${overview.regionLabel}，${overview.onDate} 执行）`}
              actions={
                overview.canEdit ? (
                  <AddPolicyRow kind={kind} regionCode={overview.regionCode} regionLabel={overview.regionLabel} today={overview.onDate} />
                ) : undefined
              }
            >
              <Table head={["项目", "现行值", "来源", "执行期间"]}>
                {section.inForce.map((row) => (
                  <tr key={row.item}>
                    <Td>{row.item}</Td>
                    <Td>{row.value || <span className="text-red-600">未设置</span>}</Td>
                    <Td>{row.regionLabel ? `${row.regionLabel}（${row.source}）` : (row.source ?? "—")}</Td>
                    <Td>{row.period ?? "—"}</Td>
                  </tr>
                ))}
              </Table>
              <details className="mt-4">
                <summary className="cursor-pointer text-sm text-brand-700">历史记录与待执行（{section.history.length} 条）</summary>
                <div className="mt-2">
                  <Table head={["项目", "数值", "地区", "生效日期", "截止日期（不含）", "状态", "说明"]}>
                    {section.history.map((row) => (
                      <tr key={row.id}>
                        <Td>{row.item}</Td>
                        <Td>{row.value}</Td>
                        <Td>{row.regionLabel}</Td>
                        <Td>{row.effectiveFrom}</Td>
                        <Td>{row.effectiveTo ?? "—"}</Td>
                        <Td>
                          <Badge tone={STATE_TONE[row.state]}>{row.state}</Badge>
                        </Td>
                        <Td>{row.note ?? ""}</Td>
                      </tr>
                    ))}
                  </Table>
                </div>
              </details>
            </Card>
          );
        })}
      </div>
    </>
  );
}
