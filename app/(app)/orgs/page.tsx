import Link from "next/link";
import { CalendarWarning } from "@/components/calendar/calendar-coverage-card";
import { Card, PageHeader } from "@/components/ui/page";
import { mayAdministerCalendar } from "@/lib/calendar/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { findCalendarCoverage } from "@/lib/calendar/find-calendar-coverage";
import { listScopeOrganisations } from "@/lib/organisations/organisations";
import { ORG_LEVEL_LABELS } from "@/lib/organisations/schemas";

export const metadata = { title: "组织机构" };

export default async function OrganisationsPage() {
  const actor = await requirePageActor(...SECTION_ROLES.organisations);
  // An administrator's home (they have no workbench): the calendar warning is theirs to act on.
  const [orgs, calendar] = await Promise.all([listScopeOrganisations(actor), mayAdministerCalendar(actor).ok ? findCalendarCoverage(actor) : null]);
  return (
    <>
      <PageHeader title="组织机构" description={`${actor.organisation.name}及其下级工会，共 ${orgs.length} 个`} />
      {calendar && calendar.uncovered.length > 0 && (
        <div className="mb-4">
          <CalendarWarning coverage={calendar} link />
        </div>
      )}
      <Card>
        <ul className="divide-y divide-slate-100">
          {orgs.map((org) => (
            <li key={org.id} className="flex items-center gap-3 py-2" style={{ paddingLeft: `${(org.depth - actor.organisation.depth) * 1.5}rem` }}>
              <Link href={`/orgs/${org.id}`} className="font-medium text-brand-700 hover:underline">
                {org.name}
              </Link>
              <span className="text-xs text-slate-500">
                {ORG_LEVEL_LABELS[org.level]} · {org.code}
              </span>
            </li>
          ))}
        </ul>
      </Card>
    </>
  );
}
