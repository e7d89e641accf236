import { AppHeader, type THeaderLink } from "@/components/app-header";
import { SignInNotice } from "@/components/auth/sign-in-notice";
import { ROLE_LABELS } from "@/lib/auth/actor";
import { sectionsFor } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";

export default async function SignedInLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePageActor();
  // Only what a link shows, once: AppHeader renders it for wide screens and for the phone menu.
  const links = sectionsFor(actor.roles).map(({ href, label, personal }): THeaderLink => (personal ? [href, label, 1] : [href, label]));
  const roles = actor.roles.map((r) => ROLE_LABELS[r]).join("、");
  return (
    <div className="min-h-screen">
      <header className="relative bg-brand-700 text-white">
        <AppHeader links={links} user={[actor.name, actor.organisation.name, roles]} />
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6 md:px-6 md:py-8">
        <SignInNotice sessionId={actor.sessionId} />
        {children}
      </main>
    </div>
  );
}
