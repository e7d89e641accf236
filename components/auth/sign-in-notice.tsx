import { Alert } from "@/components/ui/page";
import { findSignInNotice } from "@/lib/auth/sign-in";
import { DismissSignInNotice } from "./dismiss-sign-in-notice";

/**
 * Tells a user who just signed in how many attempts on their account failed since their previous
 * sign-in (lib/auth/sign-in.ts counts them): sign-in answers everyone alike, so this is where the
 * real user learns that someone tried. Shown on every page until they dismiss it.
 */
export async function SignInNotice({ sessionId }: { sessionId: string | null }) {
  const failed = sessionId ? await findSignInNotice(sessionId) : null;
  if (!failed) return null;
  return (
    <div className="mb-6" data-testid="sign-in-notice">
      <Alert tone="info">
        <span className="flex flex-wrap items-center justify-between gap-3">
          <span>自上次登录以来，您的账户有 {failed} 次失败的登录尝试。如果不是您本人操作，请尽快联系本单位系统管理员修改密码。</span>
          <DismissSignInNotice />
        </span>
      </Alert>
    </div>
  );
}
