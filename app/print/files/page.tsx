import { notFound } from "next/navigation";
import { HouseholdForms } from "@/components/print/household-forms";
import { PrintButton } from "@/components/print/print-button";
import { SECTION_ROLES } from "@/lib/auth/navigation";
import { requirePageActor } from "@/lib/auth/session";
import { isUuid } from "@/lib/data/ids";
import { DomainError, NotFoundError } from "@/lib/errors/domain-error";
import { getPrintableFiles, mayPrintFullResidentIds } from "@/lib/print/print-files";
import "../print.css";

export const metadata = { title: "打印档案表册" };

// The print view of one or several household files (户户清表册), outside the application's
// layout: no navigation, no buttons on paper. ?id=…&id=… as the archive's selection sends them.
export default async function PrintFilesPage({ searchParams }: { searchParams: Promise<{ id?: string | string[]; masked?: string }> }) {
  const actor = await requirePageActor(...SECTION_ROLES.archive);
  const params = await searchParams;
  const raw = params.id;
  // Full numbers by default for those allowed (the archive room's copy); ?masked=1 for a copy that leaves it.
  const fullResidentIds = params.masked !== "1" && mayPrintFullResidentIds(actor);
  const ids = (Array.isArray(raw) ? raw : raw ? [raw] : []).filter(isUuid);
  let files;
  try {
    files = await getPrintableFiles(actor, ids, { fullResidentIds });
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    if (error instanceof DomainError) return <p className="screen-only">{error.message}</p>;
    throw error;
  }
  return (
    <>
      <div className="screen-only">
        <PrintButton />
        <span>共 {files.length} 户，每户 5 张表（档案表、家庭收支调查表、已享受帮扶政策资金记录表、结对帮扶记录表、问题清单与帮扶建议），A4 纸打印。</span>
        <span data-testid="print-id-mode">
          {fullResidentIds ? "公民身份号码完整打印（已记入审计日志）。" : "公民身份号码已脱敏。"}
          {mayPrintFullResidentIds(actor) && (
            <a href={`?${new URLSearchParams([...ids.map((id) => ["id", id]), ...(fullResidentIds ? [["masked", "1"]] : [])]).toString()}`}>
              {fullResidentIds ? "改为脱敏打印" : "改为完整号码打印"}
            </a>
          )}
        </span>
      </div>
      <main className="print-doc">
        {files.map((f) => (
          <HouseholdForms key={f.file.id} printable={f} />
        ))}
      </main>
    </>
  );
}
