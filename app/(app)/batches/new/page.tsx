import { BatchForm } from "@/components/ledger/batch-form";
import { Card, PageHeader } from "@/components/ui/page";
import { requirePageActor } from "@/lib/auth/session";
import { todayInShanghai } from "@/lib/format/datetime";
import { listScopeOrganisations } from "@/lib/organisations/organisations";

export const metadata = { title: "新建发放批次" };

export default async function NewBatchPage() {
  const actor = await requirePageActor("CASEWORKER");
  const organisations = await listScopeOrganisations(actor);
  return (
    <>
      <PageHeader
        title="新建发放批次"
        description="系统列出范围内所有符合条件的在档家庭及金额；未登记本人银行账户或超过年度上限的，自动列入移出名单并注明原因。"
      />
      <Card>
        <BatchForm today={todayInShanghai()} organisations={organisations.map(({ id, name, depth }) => ({ id, name, depth }))} />
      </Card>
    </>
  );
}
