import { CloseReferral, CreateReferral } from "@/components/referrals/referral-forms";
import { DisabledStep } from "@/components/ui/disabled-step";
import { Badge, Card } from "@/components/ui/page";
import { Table, Td } from "@/components/ui/table";
import type { TAllowed } from "@/lib/filing/rules";
import { dateOnlyString } from "@/lib/format/datetime";
import type { ReferralDepartment, ReferralOutcome } from "@/lib/generated/prisma/enums";
import { isReferralOverdue } from "@/lib/referrals/rules";
import { REFERRAL_DEPARTMENT_LABELS, REFERRAL_OUTCOME_LABELS } from "@/lib/warnings/labels";

type TReferral = {
  id: string;
  version: number;
  department: ReferralDepartment;
  item: string;
  referredOn: Date;
  contact: string;
  dueDate: Date;
  outcome: ReferralOutcome | null;
  outcomeNote: string | null;
  outcomeOn: Date | null;
  createdBy: { name: string };
  closedBy: { name: string } | null;
  measure: { need: string } | null;
};

/** 部门转介: the file's referrals, overdue ones marked, with the steps the user may take. */
export function ReferralsCard({
  referrals,
  today,
  fileId,
  measures,
  canCreate,
  createAllowed,
  canClose,
}: {
  referrals: TReferral[];
  today: string;
  fileId: string;
  measures: Array<{ id: string; need: string }>;
  canCreate: boolean;
  createAllowed: TAllowed;
  canClose: boolean;
}) {
  const open = referrals.filter((r) => r.outcome === null).length;
  return (
    <Card
      title={`部门转介（办理中 ${open} 件，共 ${referrals.length} 件）`}
      actions={
        canCreate ? (
          createAllowed.ok ? (
            <CreateReferral fileId={fileId} today={today} measures={measures} />
          ) : (
            <DisabledStep label="转介到部门" reason={createAllowed.reason} />
          )
        ) : null
      }
    >
      {referrals.length === 0 ? (
        <p className="text-sm text-slate-500">还没有转介记录。需要民政、人社、医保、教育、住建等部门落实的需求，可在此转介并跟踪办理结果。</p>
      ) : (
        <Table head={["部门", "事项", "转介日期", "对接人", "办结时限", "结果", ""]}>
          {referrals.map((r) => {
            const overdue = isReferralOverdue({ outcome: r.outcome, dueDate: dateOnlyString(r.dueDate) }, today);
            return (
              <tr key={r.id} data-testid="referral">
                <Td className="whitespace-nowrap">{REFERRAL_DEPARTMENT_LABELS[r.department]}</Td>
                <Td>
                  {r.item}
                  {r.measure && <span className="block text-xs text-slate-500">措施：{r.measure.need}</span>}
                </Td>
                <Td className="whitespace-nowrap">{dateOnlyString(r.referredOn)}</Td>
                <Td>{r.contact}</Td>
                <Td className="whitespace-nowrap">
                  {dateOnlyString(r.dueDate)} {overdue && <Badge tone="red">已逾期</Badge>}
                </Td>
                <Td>
                  {r.outcome ? (
                    <>
                      <Badge tone={r.outcome === "GRANTED" ? "green" : "slate"}>{REFERRAL_OUTCOME_LABELS[r.outcome]}</Badge>
                      <span className="block text-xs text-slate-600">
                        {r.outcomeOn ? dateOnlyString(r.outcomeOn) : ""} {r.closedBy?.name}
                        {r.outcomeNote ? `：${r.outcomeNote}` : ""}
                      </span>
                    </>
                  ) : (
                    "办理中"
                  )}
                </Td>
                <Td>{canClose && r.outcome === null && <CloseReferral referralId={r.id} version={r.version} today={today} />}</Td>
              </tr>
            );
          })}
        </Table>
      )}
    </Card>
  );
}
