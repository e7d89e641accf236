import { Alert } from "@/components/ui/page";
import { signInNoticeOfRequest } from "@/lib/auth/session";
import { DismissSignInNotice } from "./dismiss-sign-in-notice";

/**
 * Tells a user who just signed in how many attempts on their account failed since their previous
 * sign-in (lib/auth/sign-in.ts counts them): sign-in answers everyone alike, so this is where the
 * real user learns that someone tried. Shown on every page until they dismiss it.
 */
export async function SignInNotice({ sessionId }: { sessionId: string | null }) {
  // The row getActor read for this request (the notice is dismissed by an action, then a new request).
  const failed = sessionId ? await signInNoticeOfRequest(sessionId) : null;
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
