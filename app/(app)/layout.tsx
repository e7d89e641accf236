import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { NavLink } from "@/components/nav-link";
import { ROLE_LABELS } from "@/lib/auth/actor";
import { sectionsFor } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";

export default async function SignedInLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePageActor();
  return (
    <div className="min-h-screen">
      <header className="bg-brand-700 text-white">
        <div className="mx-auto flex max-w-7xl items-center gap-6 px-6 py-3">
          <Link href="/" className="text-lg font-bold tracking-wide">
            帮扶
          </Link>
          <nav aria-label="主导航" className="flex gap-1">
            {sectionsFor(actor.roles).map((item) => (
              <NavLink key={item.href} href={item.href}>
                {item.label}
              </NavLink>
            ))}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span data-testid="current-user">
              {actor.name}
              <span className="ml-2 text-brand-100">
                {actor.organisation.name} · {actor.roles.map((r) => ROLE_LABELS[r]).join("、")}
              </span>
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-6 py-8">{children}</main>
    </div>
  );
}
