import { FilingForm } from "@/components/filing/filing-form";
import { PageHeader } from "@/components/ui/page";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { newFormValues } from "@/lib/filing/form-values";
import { todayInShanghai } from "@/lib/format/datetime";
import { listScopeOrganisations } from "@/lib/organisations/organisations";
import { tierPoliciesFor } from "@/lib/policy/policy";

export const metadata = { title: "新建档案" };

export default async function NewFilingPage() {
  const actor = await requirePageActor(...SECTION_ROLES.intake);
  const organisations = await listScopeOrganisations(actor);
  const policies = await tierPoliciesFor(
    organisations.map((o) => o.regionCode),
    todayInShanghai(),
  );
  return (
    <>
      <PageHeader title="新建档案" description="先保存草稿，再上传申请书、核对授权书等证明材料，然后提交审核。" />
      <FilingForm defaultValues={newFormValues(actor.organisation.id)} organisations={organisations} policies={policies} />
    </>
  );
}
