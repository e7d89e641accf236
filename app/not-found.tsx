import { NotFoundMessage } from "@/components/ui/not-found-message";

// Addresses outside the signed-in area: this page is the whole document, so it is the <main>.
export default function NotFound() {
  return (
    <main>
      <NotFoundMessage />
    </main>
  );
}
