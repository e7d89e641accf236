import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "帮扶 · 困难职工帮扶管理系统", template: "%s · 帮扶" },
  description: "工会困难职工建档、动态管理与帮扶救助台账",
  // public/: the ICO for browsers that ask for /favicon.ico, the SVG for the rest.
  icons: {
    icon: [
      { url: "/favicon.svg", type: "image/svg+xml" },
      { url: "/favicon.ico", sizes: "32x32" },
    ],
  },
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page is rendered per request, so that proxy.ts's CSP nonce reaches its scripts.
  await connection();
  return (
    <html lang="zh-CN">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
