"use client";

import { signOut } from "next-auth/react";

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={() => signOut({ callbackUrl: "/login" })}
      className="min-h-11 rounded px-2 py-1 text-sm whitespace-nowrap text-brand-50 hover:bg-brand-800 md:min-h-0"
    >
      退出登录
    </button>
  );
}
