// What the specs that run a real `npm start` (processes.spec.ts, root-only-folder.spec.ts) share.
import path from "node:path";

export { freePort } from "@/lib/net/free-port";

export const PROJECT_DIR = path.resolve(import.meta.dirname, "../../..");

/** The sign-in page's HTTP status, or 0 while nothing answers ("帮扶系统已启动" is printed a moment before). */
export async function loginStatus(port: number): Promise<number> {
  try {
    return (await fetch(`http://localhost:${port}/login`)).status;
  } catch {
    return 0;
  }
}
