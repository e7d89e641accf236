import { Card, PageHeader } from "@/components/ui/page";
import { CreateUserForm } from "@/components/users/create-user-form";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { listScopeOrganisations } from "@/lib/organisations/organisations";

export const metadata = { title: "新建用户" };

export default async function NewUserPage() {
  const actor = await requirePageActor(...SECTION_ROLES.users);
  const organisations = await listScopeOrganisations(actor);
  return (
    <>
      <PageHeader title="新建用户" description="用户只能看到所属组织及其下级工会的数据。" />
      <Card>
        <CreateUserForm organisations={organisations.map(({ id, name, depth }) => ({ id, name, depth }))} />
      </Card>
    </>
  );
}
