import { EmptyState, PageHeader } from "@/components/ui/page";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";

export const metadata = { title: "档案" };

export default async function ArchivePage() {
  const actor = await requirePageActor(...SECTION_ROLES.archive);
  return (
    <>
      <PageHeader title="困难职工档案" description={`${actor.organisation.name}及下级工会的档案`} />
      <EmptyState title="暂无档案">管辖范围内还没有建档的困难职工家庭。</EmptyState>
    </>
  );
}
