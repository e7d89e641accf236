import { RemoveCalendarDayButton, SetCalendarDayButton } from "@/components/calendar/calendar-buttons";
import { Alert, Badge, Card } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import { CALENDAR_LEVEL_REFUSAL } from "@/lib/calendar/rules";
import type { TCalendarCoverage } from "@/lib/calendar/find-calendar-coverage";
import { formatDateTime } from "@/lib/format/datetime";

/** The warning, also shown on the policy page: a year deadlines reach into has no holidays at all. */
export function CalendarWarning({ coverage, link }: { coverage: TCalendarCoverage; link?: boolean }) {
  if (coverage.uncovered.length === 0) return null;
  const years = coverage.uncovered.map((y) => `${y} 年`).join("、");
  // Only those who can enter the holidays get the red call to act; the rest a quiet note (issue 26).
  if (!coverage.mayEdit) {
    return (
      <p className="text-sm text-slate-600" data-testid="calendar-note">
        工作日历尚未收录{years}的法定节假日，由全国或省级工会的管理员录入；录入前，按工作日计算的期限把假日也算作工作日。
      </p>
    );
  }
  const who = coverage.mayEdit ? "请按国务院办公厅公布的安排录入" : "请联系全国或省级工会的管理员按国务院办公厅公布的安排录入";
  const text =
    `工作日历缺少 ${years}的法定节假日：chinese-days 数据只到 ${coverage.lastPackageYear ?? "—"} 年。` +
    `纸质档案同步等按工作日计算的期限已经跨入${years}，目前把元旦、春节等假日都算作工作日。${who}，或升级 chinese-days 数据包。`;
  return (
    <Alert>
      {text}
      {link ? (
        <>
          {" "}
          <a className="underline" href="/admin/jobs#calendar">
            查看工作日历
          </a>
        </>
      ) : null}
    </Alert>
  );
}

export function CalendarCoverageCard({ coverage }: { coverage: TCalendarCoverage }) {
  return (
    <div id="calendar">
      <Card title="工作日历（法定节假日与调休）" actions={coverage.mayEdit ? <SetCalendarDayButton /> : undefined}>
        <div className="space-y-4">
          <CalendarWarning coverage={coverage} />
          {coverage.enteredOnly.length > 0 ? (
            <Alert tone="info">
              {coverage.enteredOnly.map((y) => `${y} 年`).join("、")}的节假日由管理员录入，请对照国务院办公厅的通知核对是否完整（放假日和调休上班日都要录入）。
            </Alert>
          ) : null}
          <p className="text-sm text-slate-600">
            按工作日计算的期限（纸质档案同步 {"“"}30 个工作日{"”"}等）使用此日历；未收录的日子周一至周五为工作日。每日任务会从 chinese-days
            数据包更新已公布的年份，管理员录入的日子不会被覆盖。
            {coverage.mayEdit ? "" : ` ${CALENDAR_LEVEL_REFUSAL}`}
          </p>
          <Table head={["年份", "数据包（chinese-days）", "管理员录入", "状态"]}>
            {coverage.years.map((y) => (
              <tr key={y.year}>
                <Td>{y.year} 年</Td>
                <Td>{y.fromPackage ? "已收录" : "未收录"}</Td>
                <Td>{y.adminDays > 0 ? `${y.adminDays} 天` : "—"}</Td>
                <Td>
                  {y.fromPackage ? (
                    <Badge tone="green">已覆盖</Badge>
                  ) : y.adminDays > 0 ? (
                    <Badge tone="amber">管理员录入，请核对</Badge>
                  ) : y.withinHorizon ? (
                    <Badge tone="red">未覆盖，期限已跨入</Badge>
                  ) : (
                    <Badge>未覆盖</Badge>
                  )}
                </Td>
              </tr>
            ))}
          </Table>
          {coverage.days.length > 0 ? (
            <Table head={["日期", "安排", "名称", "录入人", "录入时间", ""]}>
              {coverage.days.map((d) => (
                <tr key={d.day}>
                  <Td>{d.day}</Td>
                  <Td>
                    {d.working ? "调休上班" : "放假"}
                    {d.differsFromPackage ? (
                      <span className="ml-2">
                        <Badge tone="amber">与数据包不同</Badge>
                      </span>
                    ) : null}
                  </Td>
                  <Td>{d.name}</Td>
                  <Td>{d.enteredBy ?? "—"}</Td>
                  <Td>{formatDateTime(d.enteredAt)}</Td>
                  <Td>
                    {coverage.mayEdit && d.removable ? (
                      <div className="flex gap-2">
                        <SetCalendarDayButton label="更正" defaults={{ day: d.day, kind: d.working ? "WORKDAY" : "HOLIDAY", name: d.name ?? "" }} />
                        <RemoveCalendarDayButton day={d.day} name={d.name ?? ""} />
                      </div>
                    ) : null}
                  </Td>
                </tr>
              ))}
            </Table>
          ) : null}
        </div>
      </Card>
    </div>
  );
}
