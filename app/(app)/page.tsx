import { redirect } from "next/navigation";
import { WorkbenchView } from "@/components/workbench/workbench-view";
import { PageHeader } from "@/components/ui/page";
import { sectionsFor } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { findWorkbench } from "@/lib/workbench/find-workbench";

export const metadata = { title: "工作台" };

export default async function Home() {
  const actor = await requirePageActor();
  const workbench = await findWorkbench(actor);
  // An administrator has no casework: their first section is their home.
  if (workbench.sections.length === 0) redirect(sectionsFor(actor.roles)[0]?.href ?? "/orgs");
  return (
    <>
      <PageHeader title="工作台" description={`${actor.organisation.name}及下级工会今天等待办理的事项（${workbench.today}）`} />
      <WorkbenchView workbench={workbench} />
    </>
  );
}
