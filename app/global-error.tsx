"use client";

import { ErrorMessage } from "@/components/ui/error-message";
import "./globals.css";

// When the root layout itself fails this replaces it, so it brings its own <html> and <body>.
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="zh-CN">
      <body className="min-h-screen font-sans">
        <title>页面未能打开 · 帮扶</title>
        <main>
          <ErrorMessage digest={error.digest} reset={reset} />
        </main>
      </body>
    </html>
  );
}
