import Link from "next/link";
import { SignInNotice } from "@/components/auth/sign-in-notice";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { MobileMenu } from "@/components/mobile-menu";
import { NavLinks } from "@/components/nav-link";
import { ROLE_LABELS } from "@/lib/auth/actor";
import { sectionsFor } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";

export default async function SignedInLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePageActor();
  // Only what a link shows: each section is sent to the client twice (a wide-screen nav and the phone menu).
  const sections = sectionsFor(actor.roles);
  const link = ({ href, label }: { href: string; label: string }) => ({ href, label });
  const roles = actor.roles.map((r) => ROLE_LABELS[r]).join("、");
  return (
    <div className="min-h-screen">
      <header className="relative bg-brand-700 text-white">
        <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-2 md:px-6 md:py-3">
          <Link href="/" className="shrink-0 text-lg font-bold tracking-wide whitespace-nowrap">
            帮扶
          </Link>
          {/* Wide screens: the sections inline. */}
          <nav aria-label="主导航" className="hidden flex-wrap gap-1 md:flex">
            <NavLinks items={sections.filter((item) => !item.personal).map(link)} />
          </nav>
          <div className="ml-auto hidden items-center gap-3 text-sm md:flex">
            <nav aria-label="我的">
              <NavLinks items={sections.filter((item) => item.personal).map(link)} />
            </nav>
            {/* Name over organisation and role, each kept on one line: side by side they pushed the
                sections onto a second row at 1280 px and broke 帮扶干部 in two. */}
            <span data-testid="current-user" className="leading-tight whitespace-nowrap">
              {actor.name}
              <span className="block text-xs text-brand-100">
                {actor.organisation.name} · {roles}
              </span>
            </span>
            <SignOutButton />
          </div>
          {/* Phones: one menu button. */}
          <div className="ml-auto md:hidden">
            <MobileMenu>
              <nav aria-label="主导航" className="grid grid-cols-2 gap-1 pt-3">
                <NavLinks items={sections.map(link)} />
              </nav>
              <div className="mt-3 flex items-center justify-between gap-3 border-t border-brand-800 pt-3 text-sm">
                <span>
                  {actor.name}
                  <span className="block text-xs text-brand-100">
                    {actor.organisation.name} · {roles}
                  </span>
                </span>
                <SignOutButton />
              </div>
            </MobileMenu>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6 md:px-6 md:py-8">
        <SignInNotice sessionId={actor.sessionId} />
        {children}
      </main>
    </div>
  );
}
