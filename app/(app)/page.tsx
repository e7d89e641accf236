import { redirect } from "next/navigation";
import { sectionsFor } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";

export default async function Home() {
  const actor = await requirePageActor();
  redirect(sectionsFor(actor.roles)[0]?.href ?? "/orgs");
}
