import Link from "next/link";
import { notFound } from "next/navigation";
import { CreateOrgForm } from "@/components/orgs/create-org-form";
import { Card, PageHeader } from "@/components/ui/page";
import { mayCreateOrganisation } from "@/lib/organisations/rules";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { NotFoundError } from "@/lib/errors/domain-error";
import { getOrganisation } from "@/lib/organisations/organisations";
import { ORG_LEVEL_LABELS, ORG_LEVELS } from "@/lib/organisations/schemas";

export const metadata = { title: "组织详情" };

export default async function OrganisationPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.organisations);
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const org = await getOrganisation(actor, id).catch((error) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const childLevel = ORG_LEVELS[Math.min(ORG_LEVELS.indexOf(org.level) + 1, ORG_LEVELS.length - 1)]!;

  return (
    <>
      <nav aria-label="上级组织" className="mb-2 text-sm text-slate-500">
        {org.ancestors.map((a) => (
          <span key={a.id}>
            <Link href={`/orgs/${a.id}`} className="hover:underline">
              {a.name}
            </Link>
            {" / "}
          </span>
        ))}
      </nav>
      <PageHeader title={org.name} description={`${ORG_LEVEL_LABELS[org.level]} · 代码 ${org.code} · 行政区划 ${org.regionCode}`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={`下级组织（${org.children.length}）`}>
          {org.children.length === 0 ? (
            <p className="text-sm text-slate-500">没有下级组织。</p>
          ) : (
            <ul className="space-y-2">
              {org.children.map((child) => (
                <li key={child.id}>
                  <Link href={`/orgs/${child.id}`} className="text-brand-700 hover:underline">
                    {child.name}
                  </Link>
                  <span className="ml-2 text-xs text-slate-500">{ORG_LEVEL_LABELS[child.level]}</span>
                </li>
              ))}
            </ul>
          )}
          <p className="mt-4 text-sm text-slate-500">本组织用户 {org._count.users} 人</p>
        </Card>
        {mayCreateOrganisation(actor).ok && (
          <Card title="新建下级组织">
            <CreateOrgForm parentId={org.id} defaultLevel={childLevel} defaultRegionCode={org.regionCode} />
          </Card>
        )}
      </div>
    </>
  );
}
