import { notFound } from "next/navigation";
import { Alert, Badge, PageHeader } from "@/components/ui/page";
import { UserAdminPanel } from "@/components/users/user-admin-panel";
import { ROLE_LABELS } from "@/lib/auth/actor";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { formatDateTime } from "@/lib/format/datetime";
import { getUser } from "@/lib/users/find-users";
import { roleChangeRefusal } from "@/lib/users/rules";

export const metadata = { title: "用户详情" };

export default async function UserPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ created?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.users);
  const { id } = await params;
  const user = isUuid(id) ? await getUser(actor, id) : null;
  if (!user) notFound();
  const locked = !!user.lockedUntil && user.lockedUntil > new Date();
  return (
    <>
      {(await searchParams).created && (
        <div className="mb-4">
          <Alert tone="success">用户已创建。请把登录名和初始密码告知本人。</Alert>
        </div>
      )}
      <PageHeader
        title={user.name}
        description={
          <>
            {user.username} · {user.organisation.name} · {user.roles.map((r) => ROLE_LABELS[r]).join("、")} · 最近登录 {formatDateTime(user.lastSignInAt)}{" "}
            {!user.active ? (
              <Badge tone="red">已停用</Badge>
            ) : locked ? (
              <Badge tone="amber">锁定至 {formatDateTime(user.lockedUntil)}</Badge>
            ) : (
              <Badge tone="green">正常</Badge>
            )}
          </>
        }
      />
      <UserAdminPanel
        user={{ id: user.id, name: user.name, roles: user.roles, active: user.active, locked, rolesLockedReason: roleChangeRefusal(actor.userId, user.id) }}
      />
    </>
  );
}
