"use client";

import { ErrorMessage } from "@/components/ui/error-message";

// An error outside the signed-in area: this page is the whole document, so it is the <main>.
export default function Error({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main>
      <ErrorMessage digest={error.digest} reset={reset} />
    </main>
  );
}
