"use client";

import { ErrorMessage } from "@/components/ui/error-message";

// An error inside the signed-in area renders within the layout's <main>, with the navigation kept.
export default function Error({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorMessage digest={error.digest} reset={reset} />;
}
