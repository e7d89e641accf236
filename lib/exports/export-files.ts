import "server-only";
import path from "node:path";
import { exportDir } from "@/lib/db/paths";

// Where a background export's file lives: `<EXPORT_DIR>/<job id>.<format>`, written first as
// `….partial` and renamed when complete, so a file under its final name is always whole. The name
// is made from the job's id and format only (never from anything a user typed) and checked.

const FILE_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(xlsx|csv)$/;

export function exportFilePaths(job: { id: string; format: string }) {
  const key = `${job.id}.${job.format}`;
  if (!FILE_KEY.test(key)) throw new Error(`Not an export file name: ${JSON.stringify(key)}`);
  const root = exportDir();
  return { key, final: path.resolve(root, key), partial: path.resolve(root, `${key}.partial`) };
}

/** The advisory lock a worker holds while it runs the job (see run-export-job.ts). */
export const exportLockKey = (jobId: string) => `export_job:${jobId}`;
