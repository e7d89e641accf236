import { NotFoundMessage } from "@/components/ui/not-found-message";

// A record not found inside the signed-in area renders within the layout's <main>: no second one.
export default function NotFound() {
  return <NotFoundMessage />;
}
