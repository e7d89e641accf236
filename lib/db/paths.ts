import path from "node:path";
import { fileURLToPath } from "node:url";

// From import.meta.url: Turbopack leaves import.meta.dirname undefined in server bundles.
export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Local state: the embedded database, generated secrets, uploaded evidence. Git-ignored. */
export const STATE_DIR = path.join(PROJECT_DIR, ".bangfu");
