import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { Alert, Badge, EmptyState, PageHeader } from "@/components/ui/page";
import { Pagination } from "@/components/ui/pagination";
import { SearchForm } from "@/components/ui/search-form";
import { Table, Td } from "@/components/ui/table";
import { ROLE_LABELS } from "@/lib/auth/actor";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { pageFrom } from "@/lib/data/pagination";
import { formatDateTime } from "@/lib/format/datetime";
import { findDualRoleUsers, findUsers } from "@/lib/users/find-users";

export const metadata = { title: "用户管理" };

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const actor = await requirePageActor(...SECTION_ROLES.users);
  const params = await searchParams;
  const q = params.q?.slice(0, 40);
  const [result, dualRole] = await Promise.all([findUsers(actor, { q, page: pageFrom(params.page) }), findDualRoleUsers(actor)]);
  const now = new Date();
  return (
    <>
      <PageHeader
        title="用户管理"
        description={`${actor.organisation.name}及下级工会的用户`}
        actions={
          <Link href="/admin/users/new" className={buttonClass()}>
            新建用户
          </Link>
        }
      />
      {dualRole.length > 0 && (
        <div className="mb-4" data-testid="dual-role-users">
          <Alert tone="info">
            <p>
              同时是帮扶干部和审批人的账号（{dualRole.length} 个）：
              {dualRole.map((u, i) => (
                <span key={u.id}>
                  {i > 0 && "、"}
                  <Link href={`/admin/users/${u.id}`} className="font-medium text-brand-700 underline">
                    {u.name}
                  </Link>
                  （{u.organisation.name}）
                </span>
              ))}
            </p>
            <p className="mt-1 text-xs">本人提交或提出的事项仍须由另一位审批人办理；如非人手所限，建议分设账号。</p>
          </Alert>
        </div>
      )}
      <SearchForm>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">姓名或登录名</span>
          <Input name="q" defaultValue={q} placeholder="如 王静 或 lz_" />
        </label>
      </SearchForm>
      {result.rows.length === 0 ? (
        <EmptyState title="没有找到用户">{q ? "换个关键词试试。" : "还没有用户。"}</EmptyState>
      ) : (
        <Table head={["姓名", "登录名", "所属组织", "角色", "状态", "最近登录"]}>
          {result.rows.map((user) => (
            <tr key={user.id}>
              <Td>
                <Link href={`/admin/users/${user.id}`} className="font-medium text-brand-700 hover:underline">
                  {user.name}
                </Link>
              </Td>
              <Td>{user.username}</Td>
              <Td>{user.organisation.name}</Td>
              <Td>{user.roles.map((r) => ROLE_LABELS[r]).join("、")}</Td>
              <Td>
                {!user.active ? (
                  <Badge tone="red">已停用</Badge>
                ) : user.lockedUntil && user.lockedUntil > now ? (
                  <Badge tone="amber">已锁定</Badge>
                ) : (
                  <Badge tone="green">正常</Badge>
                )}
              </Td>
              <Td>{formatDateTime(user.lastSignInAt)}</Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination page={result.page} pageCount={result.pageCount} total={result.total} params={{ q }} />
    </>
  );
}
